# linux-audit-exporter: a static binary on an empty image.
#   podman run -d --pid=host --cap-drop ALL --cap-add AUDIT_CONTROL --cap-add AUDIT_WRITE \
#       -p 9090:9090 linux-audit-exporter
# The kernel answers only with CAP_AUDIT_CONTROL and from the host PID namespace. AUDIT_WRITE
# only lets podman's and CRI-O's default seccomp profile open the audit socket; running as
# 65534 the process never holds it (scripts/build-image checks /proc/PID/status).
# Built here by scripts/build-image with buildah from a locally bootstrapped Debian base.

FROM debian:bookworm-slim AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        g++ make cmake libboost1.81-dev libboost-program-options1.81-dev \
        libboost-log1.81-dev zlib1g-dev libcap-dev libcap2-bin binutils \
        libssl-dev libyaml-cpp-dev libcrypt-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json LICENSE README.md ./
COPY cmake cmake
COPY app app
COPY lib lib
COPY deploy deploy
ARG REVISION=unknown
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DLAE_STATIC=ON -DLAE_BUILD_TESTS=OFF \
        -DLAE_WARNINGS_AS_ERRORS=ON -DLAE_REVISION="${REVISION}" \
    && cmake --build /build -j"$(nproc)" --target linux-audit-exporter \
    && strip -o /linux-audit-exporter /build/linux-audit-exporter \
    # Permitted, not effective: a non-root user gets CAP_AUDIT_CONTROL when the container is
    # given it (--cap-add AUDIT_CONTROL), and still starts, and says what is missing, when not.
    # CAP_AUDIT_READ likewise, for the records collector (--cap-add AUDIT_READ); the exporter
    # keeps it only when that collector is on.
    && setcap cap_audit_control,cap_audit_read+p /linux-audit-exporter

FROM scratch
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="linux-audit-exporter" \
      org.opencontainers.image.description="Prometheus exporter for the Linux kernel audit status" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/linux-audit-exporter/linux-audit-exporter" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=build /linux-audit-exporter /linux-audit-exporter
USER 65534:65534
EXPOSE 9090
ENTRYPOINT ["/linux-audit-exporter"]
