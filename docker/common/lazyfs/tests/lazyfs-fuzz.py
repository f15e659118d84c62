#!/usr/bin/env python3
"""lazyfs-fuzz.py: random file system operations and power failures on a mounted lazyfs,
checked against a model of lazyfs's semantics (README.md), in the spirit of Jepsen's local-fs.

  lazyfs-fuzz.py MNT SEED STEPS

Works in MNT/fuzz (which must not exist). Operations: writes, truncates, file fsyncs and
fdatasyncs, creates, mkdirs, unlinks, rmdirs, renames (also across directories, of files and
directories, over existing targets), hard links, directory fsyncs, power failures, checkpoints.
The whole tree is compared with the model every 100 steps and around every power failure.
Prints JSON {ok: true, ...}, or {ok: false, diff, last_ops} and exits 1.

The model computes the outcome of a power failure in a different way than lazyfs does: lazyfs
undoes pending changes backwards from the current state; the model replays the durable ones
forwards from the last durable state. A change is durable once every directory it waits for was
fsynced after it, or when a later durable change touches the same directory entry (or lies
inside a directory whose removal is durable, or, for a directory move, moves a directory into
the moved one or below it).
"""
import copy
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
check = __import__('importlib').import_module('lazyfs-check')  # describe, dump, ctl, status, ...

ROOT = 0  # the model's inode number of MNT/fuzz


class Op:
    def __init__(self, kind, keys, wait, apply, wild=None, moved=(), into=()):
        self.kind, self.keys, self.wait, self.apply, self.wild = kind, keys, set(wait), apply, wild
        self.moved = set(moved)  # directories this change moves
        self.into = set(into)  # for a directory move: the target directory and its ancestors
        self.durable = False


class Model:
    def __init__(self, top):
        self.data = {}  # file inode -> [current bytes, synced bytes]
        self.dirs = {ROOT: {}}  # directory inode -> {name: inode}
        self.next = ROOT
        for name in top:
            self.dirs[ROOT][name] = self.new_dir()
        self.base = copy.deepcopy(self.dirs)  # the durable namespace
        self.ops = []  # namespace changes since `base`, in order
        self.forced = 0  # changes made durable by a dependency (evidence the rule was exercised)

    def new_dir(self):
        self.next += 1
        self.dirs[self.next] = {}
        return self.next

    def new_file(self):
        self.next += 1
        self.data[self.next] = [b'', b'']
        return self.next

    def change(self, op):
        op.apply(self.dirs)
        self.ops.append(op)

    def fsync_dir(self, d):
        for op in self.ops:
            op.wait.discard(d)
            op.durable = op.durable or not op.wait
        # Dependencies: walking backwards, a change is durable if a later durable one touched
        # one of its entries, if it lies in a directory whose removal is durable, or if it moved
        # a directory that a later durable change moved a directory into or below (else the
        # first one's undo could put a directory inside itself).
        keys, wild, into = set(), set(), set()
        for op in reversed(self.ops):
            if not op.durable and (keys & set(op.keys) or {d for d, _ in op.keys} & wild
                                   or op.moved & into):
                op.durable = True
                self.forced += 1
            if op.durable:
                keys |= set(op.keys)
                into |= op.into
                if op.wild is not None:
                    wild.add(op.wild)

    def power_fail(self):
        dirs = copy.deepcopy(self.base)
        for op in self.ops:
            if op.durable:
                op.apply(dirs)
        self.dirs, self.base, self.ops = dirs, copy.deepcopy(dirs), []
        for d in self.data.values():
            d[0] = d[1]

    def checkpoint(self):
        self.base, self.ops = copy.deepcopy(self.dirs), []
        for d in self.data.values():
            d[1] = d[0]

    def walk(self, d=ROOT, prefix=''):
        """(path, inode, is_dir) for everything reachable from d, parents first."""
        for name, ino in sorted(self.dirs.get(d, {}).items()):
            path = prefix + name
            yield path, ino, ino in self.dirs
            if ino in self.dirs:
                yield from self.walk(ino, path + '/')

    def tree(self):
        return {p: 'dir' if is_dir else check.describe(self.data[i][0]) for p, i, is_dir in self.walk()}


# Effects on a namespace (dict of directory -> entries), replayable on another one. Renames and
# links carry the inode they move: in a replay their source entry may not exist.
def put(d, name, ino, is_dir):
    def apply(dirs):
        dirs.setdefault(d, {})[name] = ino
        if is_dir:
            dirs.setdefault(ino, {})
    return apply


def drop(d, name):
    return lambda dirs: dirs.setdefault(d, {}).pop(name, None)


def move(d1, n1, d2, n2, ino):
    def apply(dirs):
        if dirs.setdefault(d1, {}).get(n1) == ino:
            del dirs[d1][n1]
        dirs.setdefault(d2, {})[n2] = ino
    return apply


def fuzz(mnt, seed, steps):
    rnd = random.Random(seed)
    root = os.path.join(mnt, 'fuzz')
    top = ['d0', 'd1', 'd2']
    os.mkdir(root)
    for t in top:
        os.mkdir(os.path.join(root, t))
    check.fsync_dir(root)
    check.fsync_dir(mnt)
    m = Model(top)
    log = []

    def fail(when, **detail):
        # The changes since the last power failure or checkpoint decide the outcome: all of them.
        start = max([i + 1 for i, o in enumerate(log[:-1]) if o in ('power-fail', 'checkpoint')] + [0])
        print(json.dumps({'ok': False, 'seed': seed, 'when': when, **detail,
                          'ops_since_last_power_failure_or_checkpoint': log[start:]}, indent=1))
        sys.exit(1)

    def power_fail(when):
        try:
            check.ctl(mnt, 'power-fail')
        except OSError as e:  # EIO: lazyfs could not undo something (its stderr says what)
            fail(when, error='power-fail command failed: %s' % e, status=check.status(mnt))
        m.power_fail()
        log.append('power-fail')

    def compare(when):
        got = check.dump(root)
        want = dict(sorted(m.tree().items()))
        if got != want:
            diff = {k: [got.get(k), want.get(k)] for k in sorted(set(got) | set(want)) if got.get(k) != want.get(k)}
            fail(when, **{'diff (lazyfs, model)': diff})

    kinds = ['write', 'truncate', 'fsync', 'fsync-dir', 'create', 'mkdir', 'unlink', 'rmdir',
             'rename', 'link', 'power-fail', 'checkpoint']
    weights = [22, 7, 10, 14, 9, 3, 5, 2, 14, 4, 3, 0.5]
    power_fails = 0
    for step in range(steps):
        entries = list(m.walk())
        dirs = [('', ROOT)] + [(p, i) for p, i, is_dir in entries if is_dir]
        files = [(p, i) for p, i, is_dir in entries if not is_dir]
        # Entries that may move or go: anything but the three top directories.
        movable = [(p, i, is_dir) for p, i, is_dir in entries if '/' in p]
        parent_of = {p: (p.rsplit('/', 1)[0] if '/' in p else '') for p, _, _ in entries}
        dir_ino = dict(dirs)
        P = lambda rel: os.path.join(root, rel) if rel else root
        op = rnd.choices(kinds, weights)[0]
        name = rnd.choice(['a', 'b', 'c', 'x'])
        if op in ('write', 'truncate', 'fsync') and files:
            path, ino = rnd.choice(files)
            cur = m.data[ino][0]
            if op == 'write':
                off = rnd.randrange(0, len(cur) + 3000)
                buf = rnd.randbytes(rnd.choice([1, 7, 100, 4096, 9000]))
                check.pwrite(P(path), buf, off)
                cur = cur + b'\0' * max(0, off - len(cur))
                m.data[ino][0] = cur[:off] + buf + cur[off + len(buf):]
                log.append('write %s %d+%d' % (path, off, len(buf)))
            elif op == 'truncate':
                size = rnd.randrange(0, len(cur) + 6000)
                check.truncate(P(path), size)
                m.data[ino][0] = cur[:size] + b'\0' * max(0, size - len(cur))
                log.append('truncate %s %d' % (path, size))
            else:
                fd = os.open(P(path), os.O_RDONLY)
                (os.fsync if rnd.random() < 0.5 else os.fdatasync)(fd)
                os.close(fd)
                m.data[ino][1] = m.data[ino][0]
                log.append('fsync %s' % path)
        elif op == 'fsync-dir':
            path, ino = rnd.choice(dirs)
            check.fsync_dir(P(path))
            m.fsync_dir(ino)
            log.append('fsync-dir /%s' % path)
        elif op in ('create', 'mkdir'):
            path, d = rnd.choice(dirs[1:])
            if name in m.dirs[d] or (op == 'mkdir' and path.count('/') >= 2):
                continue
            new = os.path.join(path, name)
            if op == 'create':
                check.write(P(new), b'', sync=False, flags=os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                ino = m.new_file()
            else:
                os.mkdir(P(new))
                ino = m.new_dir()
            m.change(Op(op, [(d, name)], [d], put(d, name, ino, op == 'mkdir')))
            log.append('%s %s' % (op, new))
        elif op in ('unlink', 'rmdir') and movable:
            # Files to unlink, empty directories to remove (emptying them is common: see weights).
            fits = [e for e in movable if e[2] == (op == 'rmdir') and not (e[2] and m.dirs[e[1]])]
            if not fits:
                continue
            path, ino, is_dir = rnd.choice(fits)
            d, base = dir_ino[parent_of[path]], path.rsplit('/', 1)[1]
            (os.rmdir if is_dir else os.unlink)(P(path))
            m.change(Op(op, [(d, base)], [d], drop(d, base), wild=ino if is_dir else None))
            log.append('%s %s' % (op, path))
        elif op == 'rename' and movable:
            path, ino, is_dir = rnd.choice(movable)
            to_dir, d2 = rnd.choice(dirs[1:])
            d1, n1 = dir_ino[parent_of[path]], path.rsplit('/', 1)[1]
            target = m.dirs[d2].get(name)
            if is_dir and (to_dir == path or to_dir.startswith(path + '/')):
                continue  # into itself: EINVAL
            if target is not None and (target == ino or (target in m.dirs) != is_dir
                                       or (is_dir and m.dirs[target])):
                continue  # same file (a no-op), type mismatch, or a non-empty directory
            os.rename(P(path), P(os.path.join(to_dir, name)))
            wild = target if target is not None and is_dir else None
            parts = to_dir.split('/')
            into = [ROOT] + [dir_ino['/'.join(parts[:k])] for k in range(1, len(parts) + 1)]
            m.change(Op('rename', [(d1, n1), (d2, name)], [d1, d2], move(d1, n1, d2, name, ino), wild,
                        moved=[ino] if is_dir else [], into=into if is_dir else []))
            log.append('rename %s -> %s' % (path, os.path.join(to_dir, name)))
        elif op == 'link' and files:
            path, ino = rnd.choice(files)
            to_dir, d2 = rnd.choice(dirs[1:])
            if name in m.dirs[d2]:
                continue
            os.link(P(path), P(os.path.join(to_dir, name)))
            m.change(Op('link', [(d2, name)], [d2], put(d2, name, ino, False)))
            log.append('link %s -> %s' % (path, os.path.join(to_dir, name)))
        elif op == 'power-fail':
            compare('before power failure %d (step %d)' % (power_fails, step))
            power_fail('power failure %d (step %d)' % (power_fails, step))
            power_fails += 1
            compare('after power failure %d (step %d)' % (power_fails, step))
        elif op == 'checkpoint':
            check.ctl(mnt, 'checkpoint')
            m.checkpoint()
            log.append('checkpoint')
        if step % 100 == 0:
            compare('step %d' % step)
    power_fail('final power failure')
    compare('final power failure')
    print(json.dumps({'ok': True, 'seed': seed, 'steps': steps, 'power_failures': power_fails + 1,
                      'forced_by_dependency': m.forced, 'status': check.status(mnt)}))


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    fuzz(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
