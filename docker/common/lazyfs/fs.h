/* fs.h: declarations shared by the FUSE layer of lazyfs: main.c (start-up, control file,
 * the operation table), names.c (directories, names, metadata) and files.c (file data).
 *
 * Locking: every operation holds power_lock shared; power-fail and checkpoint hold it
 * exclusively, so they never see an operation half done. state_mutex guards the undo state
 * (data.c, journal.c); data writes themselves run outside it, after their undo information is
 * saved. */
#ifndef LAZYFS_FS_H
#define LAZYFS_FS_H

#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fuse.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include "lazyfs.h"

#define CTL_NAME ".lazyfs-ctl"

extern pthread_rwlock_t power_lock;
extern int rootfd;                 /* STORE/root, O_PATH */
extern char root_path[PATH_MAX];   /* STORE/root, absolute: the xattr calls have no *at form */
extern int sync_backing;           /* also fsync the backing store (off: it is scratch space) */

struct handle {
	int fd;
	DIR *dir;
	uint64_t ino;
	int dsync; /* opened O_SYNC or O_DSYNC: every write is committed as if fsynced */
	int ctl;
	char *text; /* control file: the status read back */
};
#define H(fi) ((struct handle *)(uintptr_t)(fi)->fh)

static inline void enter(void) { pthread_rwlock_rdlock(&power_lock); }
static inline void leave(void) { pthread_rwlock_unlock(&power_lock); }
static inline void lock(void) { pthread_mutex_lock(&state_mutex); }
static inline void unlock(void) { pthread_mutex_unlock(&state_mutex); }
static inline const char *rel(const char *path) { return path[1] ? path + 1 : "."; }
static inline int is_ctl(const char *path) { return path && !strcmp(path, "/" CTL_NAME); }
static inline int neg(int r) { return r < 0 ? -errno : r; }

int open_parent(const char *path, const char **base);
void own(int pfd, const char *name);
uint64_t ino_of(int fd);
int open_ctl(struct fuse_file_info *fi);
int ctl_command(const char *buf, size_t size);
void ctl_stat(struct stat *st);

/* names.c */
int lz_getattr(const char *path, struct stat *st, struct fuse_file_info *fi);
int lz_readlink(const char *path, char *buf, size_t size);
int lz_mknod(const char *path, mode_t mode, dev_t rdev);
int lz_mkdir(const char *path, mode_t mode);
int lz_symlink(const char *target, const char *path);
int lz_link(const char *from, const char *to);
int lz_unlink(const char *path);
int lz_rmdir(const char *path);
int lz_rename(const char *from, const char *to, unsigned int flags);
int lz_chmod(const char *path, mode_t mode, struct fuse_file_info *fi);
int lz_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi);
int lz_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi);
int lz_opendir(const char *path, struct fuse_file_info *fi);
int lz_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
	       struct fuse_file_info *fi, enum fuse_readdir_flags flags);
int lz_releasedir(const char *path, struct fuse_file_info *fi);
int lz_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi);
int lz_setxattr(const char *path, const char *name, const char *value, size_t size, int flags);
int lz_getxattr(const char *path, const char *name, char *value, size_t size);
int lz_listxattr(const char *path, char *list, size_t size);
int lz_removexattr(const char *path, const char *name);

/* files.c */
int lz_truncate(const char *path, off_t size, struct fuse_file_info *fi);
int lz_open(const char *path, struct fuse_file_info *fi);
int lz_create(const char *path, mode_t mode, struct fuse_file_info *fi);
int lz_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi);
int lz_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi);
int lz_statfs(const char *path, struct statvfs *st);
int lz_flush(const char *path, struct fuse_file_info *fi);
int lz_release(const char *path, struct fuse_file_info *fi);
int lz_fsync(const char *path, int datasync, struct fuse_file_info *fi);
int lz_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi);

#endif
