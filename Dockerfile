# FloorPay silo image: one process that is an Orleans silo and the gRPC / JSON gateway.
#
#   docker build -t floorpay-silo:VERSION .
#
# Build stage: the .NET 10 SDK restores and publishes silo/FloorPay.Silo (Release) to /app.
# Run stage: the ASP.NET Core 10 runtime, Ubuntu "chiseled" variant: no shell, no package manager, non-root by default.
# Nothing at run time needs a shell: the probes are HTTP GETs, the schema migration is `dotnet FloorPay.Silo.dll migrate`,
# and the pre-stop delay is the kubelet's own sleep action. The app sets InvariantGlobalization (Directory.Build.props), so the
# chiseled image's lack of ICU costs nothing. For a run-time image with a shell (debugging), build with
#   --build-arg RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
#
# Read-only root filesystem: the process writes only under /data (the SQLite file, single-node mode) and /tmp (the runtime's
# diagnostics socket); mount both as volumes (k8s/base does). In PostgreSQL mode it writes nothing to /data.
# See k8s/README.md for the ports, the configuration and the SDK container-publish alternative.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled

FROM ${SDK_IMAGE} AS build
WORKDIR /src

# Restore first, from the project files and central package versions only, so that a source change reuses this layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY grains/FloorPay.Domain/FloorPay.Domain.csproj grains/FloorPay.Domain/
COPY grains/FloorPay.Grains.Abstractions/FloorPay.Grains.Abstractions.csproj grains/FloorPay.Grains.Abstractions/
COPY grains/FloorPay.Grains/FloorPay.Grains.csproj grains/FloorPay.Grains/
COPY gateway/FloorPay.Gateway/FloorPay.Gateway.csproj gateway/FloorPay.Gateway/
COPY silo/FloorPay.Silo/FloorPay.Silo.csproj silo/FloorPay.Silo/
COPY silo/FloorPay.AuditVerifier/FloorPay.AuditVerifier.csproj silo/FloorPay.AuditVerifier/
RUN dotnet restore silo/FloorPay.Silo/FloorPay.Silo.csproj

COPY grains/ grains/
COPY gateway/ gateway/
COPY silo/ silo/
# No apphost: the image runs `dotnet FloorPay.Silo.dll`, like scripts/cluster.sh runs the built dll.
RUN dotnet publish silo/FloorPay.Silo/FloorPay.Silo.csproj -c Release -o /app --no-restore -p:UseAppHost=false \
    && mkdir -p /skeleton/data

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app ./
# An empty /data owned by the app user (UID 1654, the image's `app` user, $APP_UID), so that `docker run` with an
# anonymous or named volume there is writable; Kubernetes mounts its own volume (fsGroup 1654) over it.
COPY --from=build --chown=1654:1654 /skeleton/data /data

# Container defaults (every FloorPay key can still be overridden by environment or command line, see README.md):
# listen on every interface instead of loopback, and keep the SQLite file on the /data volume instead of /app/data.
ENV DOTNET_ENVIRONMENT=Production \
    FloorPay__Listen__Address=0.0.0.0 \
    FloorPay__Management__Address=0.0.0.0 \
    FloorPay__Storage__DataDirectory=/data

# 5080 gRPC (HTTP/2 cleartext), 5081 JSON over HTTP/1.1, 5082 management (/metrics, /health/live, /health/ready),
# 11111 Orleans silo-to-silo, 30000 Orleans gateway.
EXPOSE 5080 5081 5082 11111 30000
VOLUME ["/data"]

USER $APP_UID
ENTRYPOINT ["dotnet", "FloorPay.Silo.dll"]
