# One Dockerfile for the three services: SERVICE picks which one to build
# (authserver, resourceserver or webapp). They share every package and every
# build step, so three files would only be three copies of this one.
#
#   docker build --build-arg SERVICE=webapp -t oauthtime/webapp .

FROM golang:1.26 AS build
ARG SERVICE
WORKDIR /src
# The module has no dependencies: go.mod alone is the cache key for nothing,
# so copy everything and build.
COPY . .
RUN case "$SERVICE" in authserver|resourceserver|webapp) ;; \
     *) echo "Dockerfile: set --build-arg SERVICE=authserver, resourceserver or webapp (docker compose build sets it)" >&2; exit 1 ;; esac \
 && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app "./$SERVICE"

# A static binary, CA roots for https upstreams, and nothing else: no shell,
# no package manager. The health check is the binary itself.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/app", "-healthcheck"]
