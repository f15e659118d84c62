/* changes.c: namespace changes applied to the store so that they can be undone: removals move
 * the entry to the trash (a replaced file keeps a second link there, so the rename itself stays
 * atomic), and every change is appended to the journal with what undo and durability need. */
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

int ns_created(int pfd, const char *name)
{
	return journal_push(OP_CREATE, pfd, name, -1, NULL, NULL, 0, 0);
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
	trash_name(t, sizeof t);
	if (renameat(pfd, name, trashfd, t) < 0)
		return -errno;
	int e = journal_push(OP_REMOVE, pfd, name, -1, NULL, t, st.st_ino, dir ? st.st_ino : 0);
	if (e < 0)
		renameat(trashfd, t, pfd, name);
	return e;
}

/* Records which directories the rename just pushed moves and where to (see conflicts()). */
static int note_moves(const struct stat *a, const struct stat *b, const uint64_t *anc, size_t nanc)
{
	struct op *o = journal_last();
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
		e = journal_push(OP_EXCHANGE, pfd1, n1, pfd2, n2, NULL, 0, 0);
		return e < 0 ? e : note_moves(&s, &t, anc, nanc);
	}
	if (!exists) {
		if (renameat2(pfd1, n1, pfd2, n2, flags) < 0)
			return -errno;
		e = journal_push(OP_RENAME, pfd1, n1, pfd2, n2, NULL, 0, 0);
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
	trash_name(tn, sizeof tn);
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
	e = journal_push(OP_RENAME, pfd1, n1, pfd2, n2, tn, t.st_ino, S_ISDIR(t.st_mode) ? t.st_ino : 0);
	return e < 0 ? e : note_moves(&s, NULL, anc, nanc);
}
