/* journal.h: the journal's internals, shared by journal.c (the pending changes, durability,
 * undo), changes.c (applying namespace changes so they can be undone) and trash.c (where
 * removed entries wait). Not part of lazyfs's interface (lazyfs.h). */
#ifndef LAZYFS_JOURNAL_H
#define LAZYFS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

enum kind { OP_CREATE, OP_REMOVE, OP_RENAME, OP_EXCHANGE };

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

/* journal.c */
int journal_push(enum kind kind, int pfd1, const char *n1, int pfd2, const char *n2,
		 const char *trash, uint64_t trash_ino, uint64_t wild);
struct op *journal_last(void);

/* trash.c */
extern int trashfd;
void trash_name(char *buf, size_t n);
void trash_purge(void);
int rm_rf(int dirfd, const char *name);
int is_empty_dir(int pfd, const char *name);

#endif
