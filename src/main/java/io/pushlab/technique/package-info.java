/**
 * The names of the four push techniques, shared by the server's meters and the load lab
 * without either depending on the other's code, and
 * {@link io.pushlab.technique.Droppable}, which lets the recovery drill end a room's
 * connections without knowing the techniques.
 */
package io.pushlab.technique;
