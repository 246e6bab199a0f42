/**
 * The names of the four push techniques, shared by the server's meters and the load lab
 * without either depending on the other's code.
 */
package io.pushlab.technique;
