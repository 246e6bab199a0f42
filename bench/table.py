#!/usr/bin/env python3
"""Prints the load lab's JSON reports as one markdown table, one row per run, in time order.

    python3 bench/table.py [--skip N] DIR_OR_JSON...   (the --out directories of bench/run.sh or loadlab)

--skip N leaves out each directory's first N runs.
--last LABEL DIR prints the newest report's runs of DIR as one summary line each (what bench/run.sh
and bench/reference/run.sh print after every run).

A run whose generator was over 90 % busy is marked "generator-bound: not a server figure".
"""
import glob
import json
import os
import sys


def reports(args, skip):
    for arg in args:
        files = glob.glob(os.path.join(arg, 'loadlab-*.json')) if os.path.isdir(arg) else [arg]
        runs = []
        for f in sorted(files, key=os.path.getmtime):
            report = json.load(open(f))
            runs += [(report.get('label') or os.path.basename(os.path.dirname(f)), run) for run in report['runs']]
        yield from runs[skip if os.path.isdir(arg) else 0:]


def ms(value):
    return f"{value:,.1f}"


def last(label, directory):
    files = sorted(glob.glob(os.path.join(directory, 'loadlab-*.json')), key=os.path.getmtime)
    for run in json.load(open(files[-1]))['runs']:
        pub = (run.get('server') or {}).get('publishCpuSeconds')
        per = f"{pub * 1e6 / max(run['delivered'], 1):>6.1f}" if pub else "   n/a"
        lat = run['latencyMs']
        print(f"{label:>8} {run['technique']:>11} {run['clients']:>6} conn {run['connected']:>6} "
              f"in {run['connectSeconds']:>6.2f}s lost {run['lost']:>6} dup {run['duplicates']} ooo {run['outOfOrder']} "
              f"p50 {lat['p50']:>8.1f} p99 {lat['p99']:>8.1f} max {lat['max']:>8.1f} ms "
              f"srv {per} us/dlv "
              f"gen {run['generatorCpuSeconds']:>5.1f}s/{run['runSeconds']:>5.1f}s"
              + (" GENERATOR-BOUND" if run.get('generatorBound') else ""))
    return 0


def main(args):
    if args[:1] in (['-h'], ['--help']):
        print(__doc__.strip())
        return 0
    if args[:1] == ['--last'] and len(args) == 3:
        return last(args[1], args[2])
    skip = 0
    if args[:1] == ['--skip'] and len(args) > 1:
        skip, args = int(args[1]), args[2:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    missing = [a for a in args if not os.path.exists(a)]
    if missing:
        print(f"table.py: no such report or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    print('| server | technique | receivers | connected in | delivered / expected | lost | dup | out of order '
          '| p50 ms | p99 ms | max ms | server µs/delivery | generator busy |')
    print('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
    for label, run in reports(args, skip):
        lat = run['latencyMs']
        pub = (run.get('server') or {}).get('publishCpuSeconds')
        per = f"{pub * 1e6 / run['delivered']:.1f}" if pub and run['delivered'] else 'n/a'
        busy = f"{run['generatorBusy'] * 100:.0f} %" if run.get('generatorBusy') is not None else 'n/a'
        if run.get('generatorBound'):
            busy += ' (generator-bound: not a server figure)'
        print(f"| {label} | {run['technique']} | {run['connected']:,}/{run['clients']:,} | {run['connectSeconds']:.1f} s "
              f"| {run['delivered']:,} / {run['expected']:,} | {run['lost']:,} | {run['duplicates']:,} "
              f"| {run['outOfOrder']:,} | {ms(lat['p50'])} | {ms(lat['p99'])} | {ms(lat['max'])} | {per} | {busy} |")
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
