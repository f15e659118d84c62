# lazyfs test image, and the pattern for putting lazyfs into a database image: a build stage with
# the C toolchain compiles docker/common/lazyfs, the runtime stage gets only fuse3 and the binary
# (no gcc in the runtime image). The build context is docker/ (so common/ is visible):
#   docker build -f docker/lazyfs-test/lazyfs-test.Dockerfile --build-arg BASE=faultline/base:<hash> docker/
# Not named `Dockerfile` on purpose: faultline's `images build` treats every docker/<dir>/Dockerfile
# as a system built with its own directory as context, which cannot see common/.
# Run with: --device /dev/fuse --cap-add SYS_ADMIN (plus --security-opt apparmor=unconfined where
# AppArmor is enabled), then inside: lazyfs STORE MOUNTPOINT.
ARG BASE=faultline/base:latest

FROM ${BASE} AS lazyfs-build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc libc6-dev make pkg-config libfuse3-dev \
 && rm -rf /var/lib/apt/lists/*
COPY common/lazyfs/ /src/lazyfs/
RUN make -C /src/lazyfs BUILD=/out

FROM ${BASE}
# python3 only for the test program; a database image needs just fuse3.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fuse3 python3 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --from=lazyfs-build /out/lazyfs /usr/local/bin/lazyfs
COPY common/lazyfs/tests/lazyfs-check.py /usr/local/lib/faultline/lazyfs-check.py
CMD ["sleep", "infinity"]
