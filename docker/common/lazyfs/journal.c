/* journal.c: namespace operations (create, mkdir, mknod, symlink, link, unlink, rmdir, rename)
 * that a directory fsync has not yet made durable, kept so a power failure can undo them.
 *
 * Operations are applied to the backing store at once (so lookups see them) and appended to
 * a journal. Each records the directories whose fsync it waits for: one, or both for a rename
 * across directories (pessimistic: the rename stays undone until both are synced). Removed
 * entries are not deleted but moved to a trash directory, so undo can put the same inode back;
 * they are deleted for real once the removal is durable.
 *
 * Undo runs in reverse journal order, and stays exact when some later operations are durable
 * and earlier ones are not: an operation made durable also makes durable every earlier
 * pending operation on the same directory entry (and, for a removed directory, every
 * operation inside it; for a move into a directory, every earlier move of that directory or
 * of one of its ancestors). So whatever an undone operation touched is, at undo time, exactly
 * as that operation left it, and no undo can move a directory into its own subtree.
 *
 * Directories are identified by backing inode and reached through an O_PATH descriptor held
 * by the journal, so undo works even after the directory itself was renamed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lazyfs.h"

enum kind { OP_CREATE, OP_REMOVE, OP_RENAME, OP_EXCHANGE };
static const char *kind_name[] = { "create", "remove", "rename", "exchange" };

struct jdir {
	uint64_t ino;
	int fd; /* O_PATH */
	int refs;
};

struct op {
	enum kind kind;
	struct jdir *dir[2]; /* dir[1] only for renames and exchanges */
	char *name[2];
	unsigned pending;    /* bit i set: dir[i] still needs an fsync */
	char *trash;         /* the removed entry (REMOVE) or the replaced target (RENAME) */
	uint64_t trash_ino;
	uint64_t wild;       /* a removed or replaced directory: entries inside it depend on this */
	uint64_t moved[2];   /* directories a rename or exchange moves */
	int nmoved;
	uint64_t *anc;       /* ... and, if it moves any, the directories it moves them into, with
			      * their ancestors, at the time */
	size_t nanc;
};

static struct op **ops;
static size_t nops, capops;
static struct table dirs; /* inode -> struct jdir */
static int trashfd = -1;
static unsigned long long trash_seq;

static struct jdir *get_dir(int pfd)
{
	struct stat st;
	if (fstat(pfd, &st) < 0)
		return NULL;
	struct jdir *d = table_get(&dirs, st.st_ino);
	if (d) {
		d->refs++;
		return d;
	}
	d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->ino = st.st_ino;
	d->refs = 1;
	d->fd = fcntl(pfd, F_DUPFD_CLOEXEC, 0);
	if (d->fd < 0 || table_put(&dirs, d->ino, d) < 0) {
		if (d->fd >= 0)
			close(d->fd);
		free(d);
		return NULL;
	}
	return d;
}

static void put_dir(struct jdir *d)
{
	if (d && --d->refs == 0) {
		table_del(&dirs, d->ino);
		close(d->fd);
		free(d);
	}
}

static void free_op(struct op *o)
{
	for (int i = 0; i < 2; i++) {
		put_dir(o->dir[i]);
		free(o->name[i]);
	}
	free(o->trash);
	free(o->anc);
	free(o);
}

/* Removes name under dirfd, recursively for a directory. */
static int rm_rf(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	int err = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			int r = rm_rf(fd, e->d_name);
			err = err ? err : r;
		}
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && !err)
		err = -errno;
	return err;
}

static void purge_trash(void)
{
	int fd = openat(trashfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			int r = rm_rf(trashfd, e->d_name);
			if (r < 0)
				lzlog("emptying trash %s: %s\n", e->d_name, strerror(-r));
		}
	}
	closedir(d);
}

int ns_init(int fd)
{
	trashfd = fd;
	purge_trash();
	return 0;
}

static void new_trash_name(char *buf, size_t n)
{
	snprintf(buf, n, "%llu", ++trash_seq);
}

static int is_empty_dir(int pfd, const char *name)
{
	int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	int empty = 1;
	for (struct dirent *e; empty && (e = readdir(d));)
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

static int push(enum kind kind, int pfd1, const char *n1, int pfd2, const char *n2,
		const char *trash, uint64_t trash_ino, uint64_t wild)
{
	struct op *o = calloc(1, sizeof *o);
	if (!o)
		return -ENOMEM;
	o->kind = kind;
	o->dir[0] = get_dir(pfd1);
	o->name[0] = strdup(n1);
	o->pending = 1;
	if (n2) {
		o->dir[1] = get_dir(pfd2);
		o->name[1] = strdup(n2);
		o->pending = 3;
	}
	o->trash = trash ? strdup(trash) : NULL;
	o->trash_ino = trash_ino;
	o->wild = wild;
	if (nops == capops) {
		size_t cap = capops ? capops * 2 : 64;
		struct op **grown = realloc(ops, cap * sizeof *ops);
		if (grown) {
			ops = grown;
			capops = cap;
		}
	}
	if (!o->dir[0] || !o->name[0] || (n2 && (!o->dir[1] || !o->name[1])) ||
	    (trash && !o->trash) || nops == capops) {
		free_op(o);
		return -ENOMEM;
	}
	ops[nops++] = o;
	return 0;
}

int ns_created(int pfd, const char *name)
{
	return push(OP_CREATE, pfd, name, -1, NULL, NULL, 0, 0);
}

int ns_remove(int pfd, const char *name, int dir)
{
	struct stat st;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (dir) {
		int empty = is_empty_dir(pfd, name);
		if (empty <= 0)
			return empty < 0 ? empty : -ENOTEMPTY;
	}
	char t[32];
	new_trash_name(t, sizeof t);
	if (renameat(pfd, name, trashfd, t) < 0)
		return -errno;
	int e = push(OP_REMOVE, pfd, name, -1, NULL, t, st.st_ino, dir ? st.st_ino : 0);
	if (e < 0)
		renameat(trashfd, t, pfd, name);
	return e;
}

/* Records which directories the rename just pushed moves and where to (see conflicts()). */
static int note_moves(const struct stat *a, const struct stat *b, const uint64_t *anc, size_t nanc)
{
	struct op *o = ops[nops - 1];
	if (S_ISDIR(a->st_mode))
		o->moved[o->nmoved++] = a->st_ino;
	if (b && S_ISDIR(b->st_mode))
		o->moved[o->nmoved++] = b->st_ino;
	if (!o->nmoved || !nanc)
		return 0;
	o->anc = malloc(nanc * sizeof *anc);
	if (!o->anc) {
		o->nanc = 0;
		return -ENOMEM;
	}
	memcpy(o->anc, anc, nanc * sizeof *anc);
	o->nanc = nanc;
	return 0;
}

int ns_rename(int pfd1, const char *n1, int pfd2, const char *n2, unsigned flags,
	      const uint64_t *anc, size_t nanc)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	struct stat s, t;
	if (fstatat(pfd1, n1, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	int exists = fstatat(pfd2, n2, &t, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT)
		return -errno;
	int e;
	if (flags & RENAME_EXCHANGE) {
		if (renameat2(pfd1, n1, pfd2, n2, RENAME_EXCHANGE) < 0)
			return -errno;
		e = push(OP_EXCHANGE, pfd1, n1, pfd2, n2, NULL, 0, 0);
		return e < 0 ? e : note_moves(&s, &t, anc, nanc);
	}
	if (!exists) {
		if (renameat2(pfd1, n1, pfd2, n2, flags) < 0)
			return -errno;
		e = push(OP_RENAME, pfd1, n1, pfd2, n2, NULL, 0, 0);
		return e < 0 ? e : note_moves(&s, NULL, anc, nanc);
	}
	if (flags & RENAME_NOREPLACE)
		return -EEXIST;
	if (s.st_ino == t.st_ino)
		return 0; /* two links to one file: POSIX says rename does nothing */
	if (S_ISDIR(s.st_mode) && !S_ISDIR(t.st_mode))
		return -ENOTDIR;
	if (!S_ISDIR(s.st_mode) && S_ISDIR(t.st_mode))
		return -EISDIR;
	char tn[32];
	new_trash_name(tn, sizeof tn);
	if (S_ISDIR(t.st_mode)) {
		int empty = is_empty_dir(pfd2, n2);
		if (empty <= 0)
			return empty < 0 ? empty : -ENOTEMPTY;
		/* Directories cannot be hard-linked: move the target aside first (so, unlike a real
		 * rename, n2 is briefly absent). */
		if (renameat(pfd2, n2, trashfd, tn) < 0)
			return -errno;
		if (renameat(pfd1, n1, pfd2, n2) < 0) {
			e = -errno;
			renameat(trashfd, tn, pfd2, n2);
			return e;
		}
	} else {
		/* Keep the replaced file for undo with a second link; the rename stays atomic. */
		if (linkat(pfd2, n2, trashfd, tn, 0) < 0)
			return -errno;
		if (renameat(pfd1, n1, pfd2, n2) < 0) {
			e = -errno;
			unlinkat(trashfd, tn, 0);
			return e;
		}
	}
	e = push(OP_RENAME, pfd1, n1, pfd2, n2, tn, t.st_ino, S_ISDIR(t.st_mode) ? t.st_ino : 0);
	return e < 0 ? e : note_moves(&s, NULL, anc, nanc);
}

/* The durable operations seen during one settle pass. A linear list: journals are short, and
 * this runs only when an fsync made something durable. */
struct keys {
	struct op **durable;
	size_t n;
};

static int same_entry(const struct op *a, int i, const struct op *b, int j)
{
	return a->dir[i]->ino == b->dir[j]->ino && !strcmp(a->name[i], b->name[j]);
}

/* Whether a later durable operation d depends on o: it touched one of o's entries, lies in a
 * directory o removed, or o removed a directory it is in; or o moved a directory that d then
 * moved another directory into (or below): undoing o alone would put a directory inside its
 * own subtree (B moved out of A, then A moved into B). */
static int conflicts(const struct keys *k, const struct op *o)
{
	for (size_t x = 0; x < k->n; x++) {
		const struct op *d = k->durable[x];
		for (int i = 0; i < o->nmoved; i++)
			for (size_t j = 0; j < d->nanc; j++)
				if (o->moved[i] == d->anc[j])
					return 1;
		for (int i = 0; i < 2 && o->dir[i]; i++) {
			if (d->wild && o->dir[i]->ino == d->wild)
				return 1;
			for (int j = 0; j < 2 && d->dir[j]; j++) {
				if (same_entry(o, i, d, j))
					return 1;
				if (o->wild && d->dir[j]->ino == o->wild)
					return 1;
			}
		}
	}
	return 0;
}

/* Makes an operation's effect final: the trash copy of what it removed is deleted. */
static void finalize(struct op *o)
{
	if (o->trash) {
		int r = rm_rf(trashfd, o->trash);
		if (r < 0)
			lzlog("deleting trash %s: %s\n", o->trash, strerror(-r));
		if (!o->wild)
			data_release_if_unlinked(o->trash_ino);
	}
	free_op(o);
}

/* Propagates durability backwards over conflicts, then drops durable operations. */
static void settle(void)
{
	struct keys k = { calloc(nops ? nops : 1, sizeof(struct op *)), 0 };
	for (size_t i = nops; i-- > 0;) {
		struct op *o = ops[i];
		if (o->pending == 0 || !k.durable || conflicts(&k, o)) {
			o->pending = 0; /* without memory for the keys, err towards durable */
			if (k.durable)
				k.durable[k.n++] = o;
		}
	}
	free(k.durable);
	size_t j = 0;
	for (size_t i = 0; i < nops; i++) {
		if (ops[i]->pending)
			ops[j++] = ops[i];
		else
			finalize(ops[i]);
	}
	nops = j;
}

void ns_sync_dir(uint64_t ino)
{
	int any = 0;
	for (size_t i = 0; i < nops; i++) {
		struct op *o = ops[i];
		for (int d = 0; d < 2 && o->dir[d]; d++) {
			if (o->dir[d]->ino == ino && (o->pending & (1u << d))) {
				o->pending &= ~(1u << d);
				any |= o->pending == 0;
			}
		}
	}
	if (any)
		settle();
}

static int undo(struct op *o)
{
	char t[32];
	int fd0 = o->dir[0]->fd, fd1 = o->dir[1] ? o->dir[1]->fd : -1;
	switch (o->kind) {
	case OP_CREATE:
		new_trash_name(t, sizeof t);
		return renameat(fd0, o->name[0], trashfd, t);
	case OP_REMOVE:
		return renameat2(trashfd, o->trash, fd0, o->name[0], RENAME_NOREPLACE);
	case OP_RENAME:
		if (renameat2(fd1, o->name[1], fd0, o->name[0], RENAME_NOREPLACE) < 0)
			return -1;
		return o->trash ? renameat2(trashfd, o->trash, fd1, o->name[1], RENAME_NOREPLACE) : 0;
	case OP_EXCHANGE:
		return renameat2(fd0, o->name[0], fd1, o->name[1], RENAME_EXCHANGE);
	}
	return 0;
}

int ns_undo_all(void)
{
	int errors = 0;
	for (size_t i = nops; i-- > 0;) {
		struct op *o = ops[i];
		if (undo(o) < 0) {
			lzlog("undoing %s of %s: %s\n", kind_name[o->kind], o->name[0],
				strerror(errno));
			errors++;
		}
		free_op(o);
	}
	nops = 0;
	purge_trash(); /* what is left there was removed for good, or created and now undone */
	return errors;
}

void ns_commit_all(void)
{
	for (size_t i = 0; i < nops; i++)
		finalize(ops[i]);
	nops = 0;
	purge_trash();
}

size_t ns_pending(void)
{
	return nops;
}
