# The C tools faultline puts into nodes that take storage or clock faults, built once per source
# hash and copied into each node's container when it is created (any system image works, the
# image needs nothing of its own): lazyfs (a FUSE file system that forgets unsynced writes) and
# clockshift (a shifted wall clock for programs that bypass libc). Both are linked statically, so
# they need no libfuse or glibc of a given version in the node image. The first RUN is the
# lazyfs test image's build stage, so Docker's cache builds the toolchain layer once.
# Context: docker/ (common/ must be visible). Not named `Dockerfile`: `images build` treats
# docker/<dir>/Dockerfile as a system with its own directory as the context.
ARG BASE=faultline/base:latest
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc libc6-dev make pkg-config libfuse3-dev \
 && rm -rf /var/lib/apt/lists/*
COPY common/lazyfs/ /src/lazyfs/
COPY common/clockshift/ /src/clockshift/
RUN make -C /src/lazyfs BUILD=/build/lazyfs LDFLAGS=-static FUSE_LIBS="$(pkg-config --libs --static fuse3)" \
 && make -C /src/clockshift BUILD=/build/clockshift \
 && mkdir -p /out && cp /build/lazyfs/lazyfs /build/clockshift/clockshift /out/ \
 && strip /out/lazyfs /out/clockshift
CMD ["true"]
