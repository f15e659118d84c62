#!/usr/bin/env python3
"""lazyfs-check.py: exercises a mounted lazyfs the way a database would and reports what survived.

  scenario MNT      in MNT/t: makes a durable baseline (files and directories, all fsynced),
                    then changes it with and without fsync, dumps the tree, writes "power-fail"
                    to MNT/.lazyfs-ctl and dumps the tree again. Prints JSON
                    {before, after, status_before, status_after}; the caller compares it with
                    the expected trees (test/lazyfs.test.ts holds them).
  writer DIR        a crash-safety workload: appends 64-byte records to DIR/log in batches of
                    10, fsyncs, then overwrites DIR/counter in place with the total and fsyncs;
                    prints "synced N" after each batch, forever (until killed).
  verify DIR        checks DIR/log and DIR/counter after a crash; prints JSON
                    {records, counter, problems}.
  sqlite MNT        SQLite (a real database) committing transactions in several journal modes
                    and synchronous settings, killed, then a power failure: what survived, as
                    JSON (compared with SQLite's documented guarantees by the caller).
  dump DIR          prints the tree under DIR as JSON.
  bench DIR SECS    write+fdatasync throughput in DIR (4 KiB appends, and 4 KiB overwrites of
                    a synced file), plus 1 MiB unsynced writes; prints JSON.

The model-based random test is lazyfs-fuzz.py, next to this file.

Tree format: {relative path: "dir" | "link:TARGET" | "file:CONTENT" (64 bytes or less, UTF-8)
| "file:SIZE:sha256:HEX16"}. Only the Python 3 standard library: it runs in the test image too.
"""
import hashlib
import json
import mmap
import os
import sys
import time

CTL = '.lazyfs-ctl'
SMALL = 64


def describe(data):
    if len(data) <= SMALL:
        return 'file:' + data.decode('utf-8', 'backslashreplace')
    return 'file:%d:sha256:%s' % (len(data), hashlib.sha256(data).hexdigest()[:16])


def dump(root):
    tree = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            if name == CTL:
                continue
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                tree[rel] = 'link:' + os.readlink(p)
            elif os.path.isdir(p):
                tree[rel] = 'dir'
            else:
                with open(p, 'rb') as f:
                    tree[rel] = describe(f.read())
    return dict(sorted(tree.items()))


def big(n=3000):
    """21 000 bytes of numbered lines: six 4 KiB blocks, the last one partial."""
    return ''.join('%06d\n' % i for i in range(n)).encode()


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(path, data, sync=True, flags=os.O_WRONLY | os.O_CREAT | os.O_TRUNC):
    fd = os.open(path, flags, 0o644)
    try:
        os.write(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def pwrite(path, data, off, sync=False, datasync=False):
    fd = os.open(path, os.O_RDWR)
    try:
        os.pwrite(fd, data, off)
        if sync:
            (os.fdatasync if datasync else os.fsync)(fd)
    finally:
        os.close(fd)


def truncate(path, size, sync=False):
    fd = os.open(path, os.O_RDWR)
    try:
        os.ftruncate(fd, size)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def ctl(mnt, command):
    with open(os.path.join(mnt, CTL), 'w') as f:
        f.write(command + '\n')


def status(mnt):
    with open(os.path.join(mnt, CTL)) as f:
        return dict(line.split('=', 1) for line in f.read().split())


# Each namespace scenario has its own directory: a directory fsync makes every pending change
# in that directory durable, so scenarios sharing one would decide each other's outcome.
NS_DIRS = ['create-nofsync', 'create-dirfsync', 'create-both', 'rename-nofsync', 'rename-fsync',
           'rename-over-nofsync', 'rename-over-fsync', 'tmp-rename-fsync', 'tmp-rename-nofilefsync',
           'xdir-one', 'xdir-one/a', 'xdir-one/b', 'xdir-both', 'xdir-both/a', 'xdir-both/b',
           'unlink-nofsync', 'unlink-fsync', 'unlink-open-write', 'mkdir-nofsync', 'mkdir-fsync',
           'rmdir-nofsync', 'rmdir-fsync', 'rmdir-nofsync/sub', 'rmdir-fsync/sub', 'link-nofsync',
           'link-fsync', 'symlink-nofsync', 'symlink-fsync', 'create-unlink', 'create-unlink-durable',
           'rename-dir-nofsync', 'rename-dir-nofsync/d', 'unrelated-fsync', 'unrelated-fsync/p',
           'unrelated-fsync/q', 'closure', 'closure/p', 'closure/q', 'dir-cycle', 'dir-cycle/A',
           'dir-cycle/A/B', 'dir-cycle/R']

DATA_FILES = {
    'synced': b'hello\n', 'append-unsynced': b'abc', 'append-fsync': b'abc',
    'append-fdatasync': b'abc', 'overwrite-unsynced': big(), 'overwrite-fsync': big(),
    'overwrite-fsync-then-unsynced': big(), 'extend-unsynced': b'abc', 'shrink-unsynced': big(),
    'shrink-extend-write-unsynced': big(), 'shrink-fsync': big(), 'otrunc-unsynced': b'original',
    'odsync': b'abc', 'osync': b'abc', 'mmap-unsynced': big(), 'mmap-msync': big(),
    'fallocate-unsynced': b'abc',
}


def baseline(t):
    os.mkdir(t)
    os.mkdir(os.path.join(t, 'data'))
    for name, content in DATA_FILES.items():
        write(os.path.join(t, 'data', name), content)
    for d in NS_DIRS:
        os.mkdir(os.path.join(t, d))
    durable = {
        'rename-nofsync/a': b'A', 'rename-fsync/a': b'A',
        'rename-over-nofsync/CURRENT': b'OLD', 'rename-over-nofsync/tmp': b'NEW',
        'rename-over-fsync/CURRENT': b'OLD', 'rename-over-fsync/tmp': b'NEW',
        'tmp-rename-fsync/CURRENT': b'OLD', 'tmp-rename-nofilefsync/CURRENT': b'OLD',
        'xdir-one/a/x': b'X', 'xdir-both/a/x': b'X', 'unlink-nofsync/f': b'F',
        'unlink-fsync/f': b'F', 'unlink-open-write/f': b'F', 'link-nofsync/f': b'F',
        'link-fsync/f': b'F', 'rename-dir-nofsync/d/f': b'F', 'closure/p/a': b'A',
    }
    for rel, content in durable.items():
        write(os.path.join(t, rel), content)
    # Directories bottom-up, so every entry made above is durable before the changes start.
    for d in sorted(NS_DIRS + ['data'], key=lambda d: -d.count('/')):
        fsync_dir(os.path.join(t, d))
    fsync_dir(t)


def changes(t):
    p = lambda *parts: os.path.join(t, *parts)
    d = lambda name: p('data', name)
    # File data.
    write(d('append-unsynced'), b'def', sync=False, flags=os.O_WRONLY | os.O_APPEND)
    write(d('append-fsync'), b'def', flags=os.O_WRONLY | os.O_APPEND)
    fd = os.open(d('append-fdatasync'), os.O_WRONLY | os.O_APPEND)
    os.write(fd, b'def')
    os.fdatasync(fd)
    os.close(fd)
    for off in (0, 4000, 20900):  # first block, across a block boundary, the partial last block
        pwrite(d('overwrite-unsynced'), b'X' * 200, off)
    pwrite(d('overwrite-fsync'), b'Y' * 200, 4000, sync=True)
    pwrite(d('overwrite-fsync-then-unsynced'), b'A' * 100, 100, sync=True, datasync=True)
    pwrite(d('overwrite-fsync-then-unsynced'), b'B' * 100, 150)
    truncate(d('extend-unsynced'), 10000)
    truncate(d('shrink-unsynced'), 10)
    truncate(d('shrink-extend-write-unsynced'), 100)
    truncate(d('shrink-extend-write-unsynced'), 20000)
    pwrite(d('shrink-extend-write-unsynced'), b'Z', 15000)
    truncate(d('shrink-fsync'), 100, sync=True)
    fd = os.open(d('fallocate-unsynced'), os.O_RDWR)
    os.posix_fallocate(fd, 0, 10000)  # allocation that extends the file: undone like a write
    os.close(fd)
    write(d('otrunc-unsynced'), b'new', sync=False)
    write(d('odsync'), b'def', sync=False, flags=os.O_WRONLY | os.O_APPEND | os.O_DSYNC)
    write(d('osync'), b'def', sync=False, flags=os.O_WRONLY | os.O_APPEND | os.O_SYNC)
    for name, flush in (('mmap-unsynced', False), ('mmap-msync', True)):
        fd = os.open(d(name), os.O_RDWR)
        m = mmap.mmap(fd, 0)
        m[5000:5010] = b'M' * 10
        if flush:
            m.flush()  # msync(MS_SYNC): the kernel turns it into an fsync
        m.close()
        os.close(fd)

    # Namespace.
    write(p('create-nofsync', 'f'), b'data')  # file fsynced, its directory not
    write(p('create-dirfsync', 'f'), b'data', sync=False)
    fsync_dir(p('create-dirfsync'))
    write(p('create-both', 'f'), b'data')
    fsync_dir(p('create-both'))
    os.rename(p('rename-nofsync', 'a'), p('rename-nofsync', 'b'))
    os.rename(p('rename-fsync', 'a'), p('rename-fsync', 'b'))
    fsync_dir(p('rename-fsync'))
    os.rename(p('rename-over-nofsync', 'tmp'), p('rename-over-nofsync', 'CURRENT'))
    os.rename(p('rename-over-fsync', 'tmp'), p('rename-over-fsync', 'CURRENT'))
    fsync_dir(p('rename-over-fsync'))
    write(p('tmp-rename-fsync', 'tmp'), b'NEW')
    os.rename(p('tmp-rename-fsync', 'tmp'), p('tmp-rename-fsync', 'CURRENT'))
    fsync_dir(p('tmp-rename-fsync'))
    write(p('tmp-rename-nofilefsync', 'tmp'), b'NEW', sync=False)
    os.rename(p('tmp-rename-nofilefsync', 'tmp'), p('tmp-rename-nofilefsync', 'CURRENT'))
    fsync_dir(p('tmp-rename-nofilefsync'))
    os.rename(p('xdir-one', 'a', 'x'), p('xdir-one', 'b', 'x'))
    fsync_dir(p('xdir-one', 'b'))
    os.rename(p('xdir-both', 'a', 'x'), p('xdir-both', 'b', 'x'))
    fsync_dir(p('xdir-both', 'b'))
    fsync_dir(p('xdir-both', 'a'))
    os.unlink(p('unlink-nofsync', 'f'))
    os.unlink(p('unlink-fsync', 'f'))
    fsync_dir(p('unlink-fsync'))
    fd = os.open(p('unlink-open-write', 'f'), os.O_RDWR)
    os.unlink(p('unlink-open-write', 'f'))
    os.pwrite(fd, b'G', 0)
    os.close(fd)
    for name, sync_parent in (('mkdir-nofsync', False), ('mkdir-fsync', True)):
        os.mkdir(p(name, 'sub'))
        write(p(name, 'sub', 'f'), b'data')
        fsync_dir(p(name, 'sub'))
        if sync_parent:
            fsync_dir(p(name))
    os.rmdir(p('rmdir-nofsync', 'sub'))
    os.rmdir(p('rmdir-fsync', 'sub'))
    fsync_dir(p('rmdir-fsync'))
    os.link(p('link-nofsync', 'f'), p('link-nofsync', 'g'))
    write(p('link-nofsync', 'g'), b'H', sync=False, flags=os.O_WRONLY | os.O_APPEND)
    os.link(p('link-fsync', 'f'), p('link-fsync', 'g'))
    fsync_dir(p('link-fsync'))
    os.symlink('target', p('symlink-nofsync', 's'))
    os.symlink('target', p('symlink-fsync', 's'))
    fsync_dir(p('symlink-fsync'))
    write(p('create-unlink', 'f'), b'data', sync=False)
    os.unlink(p('create-unlink', 'f'))
    write(p('create-unlink-durable', 'f'), b'data')
    fsync_dir(p('create-unlink-durable'))
    os.unlink(p('create-unlink-durable', 'f'))
    os.rename(p('rename-dir-nofsync', 'd'), p('rename-dir-nofsync', 'e'))
    write(p('unrelated-fsync', 'p', 'x'), b'data')
    fsync_dir(p('unrelated-fsync', 'q'))
    # Durability follows dependencies: making "create p/a" durable also makes the earlier,
    # still pending, rename that vacated p/a durable (its other directory, q, never synced).
    os.rename(p('closure', 'p', 'a'), p('closure', 'q', 'b'))
    write(p('closure', 'p', 'a'), b'N')
    fsync_dir(p('closure', 'p'))
    # Directory moves depend on each other: B moves out of A (never synced), then A moves into B
    # (synced). Undoing only the first would put B inside its own subdirectory.
    os.rename(p('dir-cycle', 'A', 'B'), p('dir-cycle', 'R', 'B'))
    os.rename(p('dir-cycle', 'A'), p('dir-cycle', 'R', 'B', 'A'))
    fsync_dir(p('dir-cycle'))
    fsync_dir(p('dir-cycle', 'R', 'B'))


def scenario(mnt):
    t = os.path.join(mnt, 't')
    baseline(t)
    fsync_dir(mnt)
    out = {'status_baseline': status(mnt)}
    changes(t)
    out['before'] = dump(t)
    out['status_before'] = status(mnt)
    ctl(mnt, 'power-fail')
    out['after'] = dump(t)
    out['status_after'] = status(mnt)
    print(json.dumps(out, indent=1))


RECORD = 64


def record(i):
    body = 'rec %08d ' % i
    return (body + hashlib.sha256(body.encode()).hexdigest()[:RECORD - len(body) - 1] + '\n').encode()


def writer(d):
    os.makedirs(d, exist_ok=True)
    fsync_dir(os.path.dirname(os.path.abspath(d)))
    log = os.open(os.path.join(d, 'log'), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    counter = os.open(os.path.join(d, 'counter'), os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(counter, b'%08d\n' % 0, 0)
    os.fsync(counter)
    fsync_dir(d)
    total = 0
    while True:
        for _ in range(10):
            os.write(log, record(total))
            total += 1
        os.fsync(log)
        os.pwrite(counter, b'%08d\n' % total, 0)
        os.fsync(counter)
        print('synced %d' % total, flush=True)


def verify(d):
    problems = []
    with open(os.path.join(d, 'log'), 'rb') as f:
        data = f.read()
    if len(data) % RECORD:
        problems.append('log size %d is not a whole number of records' % len(data))
    n = len(data) // RECORD
    for i in range(n):
        if data[i * RECORD:(i + 1) * RECORD] != record(i):
            problems.append('record %d is damaged' % i)
            break
    with open(os.path.join(d, 'counter'), 'rb') as f:
        text = f.read()
    counter = int(text) if text.strip().isdigit() and len(text) == 9 else None
    if counter is None:
        problems.append('counter file holds %r' % text[:40])
    print(json.dumps({'records': n, 'counter': counter, 'problems': problems}))


def bench(d, secs):
    os.makedirs(d, exist_ok=True)
    block = os.urandom(4096)
    out = {}
    path = os.path.join(d, 'append')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    n, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < secs:
        os.write(fd, block)
        os.fdatasync(fd)
        n += 1
    out['append_4k_fdatasync_per_s'] = round(n / (time.monotonic() - t0))
    os.close(fd)
    # Overwrites of synced data: the case where lazyfs copies the old block before writing.
    fd = os.open(path, os.O_RDWR)
    blocks = max(n, 1)
    n, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < secs:
        os.pwrite(fd, block, (n % blocks) * 4096)
        os.fdatasync(fd)
        n += 1
    out['overwrite_4k_fdatasync_per_s'] = round(n / (time.monotonic() - t0))
    os.close(fd)
    os.unlink(path)
    path = os.path.join(d, 'bulk')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    chunk = os.urandom(1 << 20)
    n, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < secs:
        os.write(fd, chunk)
        n += 1
    os.fsync(fd)
    out['bulk_1m_write_mb_per_s'] = round(n / (time.monotonic() - t0))
    os.close(fd)
    os.unlink(path)
    print(json.dumps(out))


SQLITE_CASES = [('delete', 'full'), ('delete', 'extra'), ('wal', 'full'), ('wal', 'normal'),
                ('truncate', 'full')]


def sqlite(mnt, commits=50):
    """A real database: per journal mode and synchronous setting, a child commits `commits`
    transactions, opens one more and is SIGKILLed; then the power fails. Prints JSON
    {"MODE-SYNC": {"integrity": ..., "rows": N or null (no table), "exists": bool}}."""
    import signal
    import sqlite3 as sq
    out = {}
    for mode, sync in SQLITE_CASES:
        path = os.path.join(mnt, 'sqlite-%s-%s.db' % (mode, sync))
        pid = os.fork()
        if pid == 0:
            try:
                c = sq.connect(path, isolation_level=None)
                c.execute('pragma journal_mode=%s' % mode)
                c.execute('pragma synchronous=%s' % sync)
                c.execute('create table t(i integer primary key, v text)')
                for i in range(commits):
                    c.execute('begin')
                    c.execute('insert into t values(?, ?)', (i, 'x' * 500))
                    c.execute('commit')
                c.execute('begin')
                c.execute("insert into t values(-1, 'never committed')")
            finally:
                os.kill(os.getpid(), signal.SIGKILL)  # the database dies first, as in a power cut
        os.waitpid(pid, 0)
        ctl(mnt, 'power-fail')
        r = {'exists': os.path.exists(path), 'integrity': None, 'rows': None}
        if r['exists']:
            c = sq.connect(path)
            r['integrity'] = c.execute('pragma integrity_check').fetchone()[0]
            try:
                r['rows'] = c.execute('select count(*) from t where i >= 0').fetchone()[0]
            except sq.OperationalError:
                pass  # no table: everything, the create included, rolled back
            c.close()
        out['%s-%s' % (mode, sync)] = r
    print(json.dumps(out))


def main(argv):
    cmds = {'scenario': scenario, 'writer': writer, 'verify': verify, 'sqlite': sqlite,
            'dump': lambda d: print(json.dumps(dump(d), indent=1))}
    if len(argv) == 3 and argv[1] in cmds:
        cmds[argv[1]](argv[2])
    elif len(argv) == 4 and argv[1] == 'bench':
        bench(argv[2], float(argv[3]))

    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
