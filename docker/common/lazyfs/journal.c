/* journal.c: namespace operations (create, mkdir, mknod, symlink, link, unlink, rmdir, rename)
 * that a directory fsync has not yet made durable, kept so a power failure can undo them.
 *
 * Operations are applied to the backing store at once (so lookups see them; changes.c) and
 * appended here. Each records the directories whose fsync it waits for: one, or both for a
 * rename across directories (pessimistic: the rename stays undone until both are synced).
 * Removed entries wait in the trash (trash.c), so undo can put the same inode back; they are
 * deleted for real once the removal is durable.
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
#include "journal.h"

static const char *kind_name[] = { "create", "remove", "rename", "exchange" };

static struct op **ops;
static size_t nops, capops;
static struct table dirs; /* inode -> struct jdir */

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
int journal_push(enum kind kind, int pfd1, const char *n1, int pfd2, const char *n2,
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
struct op *journal_last(void)
{
	return ops[nops - 1];
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
		trash_name(t, sizeof t);
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
	trash_purge(); /* what is left there was removed for good, or created and now undone */
	return errors;
}

void ns_commit_all(void)
{
	for (size_t i = 0; i < nops; i++)
		finalize(ops[i]);
	nops = 0;
	trash_purge();
}

size_t ns_pending(void)
{
	return nops;
}
