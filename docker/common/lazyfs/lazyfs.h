/* lazyfs.h: declarations shared by lazyfs's parts: the FUSE layer and control file (lazyfs.c),
 * the undo records for file data written since the last fsync (data.c), the journal of
 * namespace operations not yet made durable by a directory fsync (journal.c), and the small
 * hash table both keep their state in (table.c).
 *
 * Locking: every data.c and journal.c function is called with state_mutex held. */
#ifndef LAZYFS_H
#define LAZYFS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern pthread_mutex_t state_mutex;

/* A line on stderr, never blocking: a message that stderr cannot take now is dropped (and
 * counted), so a log nobody drains can never stall the file system. */
void lzlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* table.c: uint64 key -> non-NULL pointer, open addressing with linear probing. */
struct table {
	uint64_t *keys;
	void **vals; /* NULL marks a free slot */
	size_t cap, len;
};
void *table_get(const struct table *t, uint64_t key);
int table_put(struct table *t, uint64_t key, void *val); /* 0, or -ENOMEM */
void *table_del(struct table *t, uint64_t key);          /* the removed value, or NULL */
void table_free(struct table *t);                        /* the arrays, not the values */
#define TABLE_EACH(t, i) \
	for (size_t i = 0; i < (t)->cap; i++) \
		if ((t)->vals[i])

/* data.c: what each file (backing inode) looked like at its last fsync. */
int data_created(int fd, uint64_t ino);                         /* a new file: synced size 0 */
int data_before_write(int fd, uint64_t ino, off_t off, size_t len);
int data_before_truncate(int fd, uint64_t ino, off_t size);
int data_touch(int fd, uint64_t ino);                           /* size may grow (fallocate) */
void data_commit(uint64_t ino);                                 /* fsync: now is the synced state */
void data_release_if_unlinked(uint64_t ino);
int data_restore_all(void);                                     /* power failure; returns errors */
void data_forget_all(void);                                     /* checkpoint */
void data_stats(size_t *files, size_t *saved_bytes);

/* journal.c: namespace operations since their directories' last fsync. */
int ns_init(int trash_dirfd);                      /* empties the trash left by an earlier life */
int ns_created(int pfd, const char *name);         /* record a create/mkdir/mknod/symlink/link */
int ns_remove(int pfd, const char *name, int dir); /* unlink (dir=0) or rmdir (dir=1), undoably */
/* anc: the inodes of the target's parent directory and its ancestors (for an exchange, of
 * both parents), taken before the rename. */
int ns_rename(int pfd1, const char *n1, int pfd2, const char *n2, unsigned flags,
	      const uint64_t *anc, size_t nanc);
void ns_sync_dir(uint64_t dir_ino);                /* fsync of a directory */
int ns_undo_all(void);                             /* power failure; returns errors */
void ns_commit_all(void);                          /* checkpoint */
size_t ns_pending(void);

#endif
