# One Dockerfile for the three services: SERVICE picks which one the image
# runs (authserver, resourceserver or webapp). The build stage compiles all
# three the same way whatever SERVICE is, so building the three images
# compiles once: the second and third builds reuse that layer.
#
#   docker build --build-arg SERVICE=webapp -t oauthtime/webapp .

FROM golang:1.26 AS build
WORKDIR /src
# The module has no dependencies: there is nothing to download first, so
# copy everything and build.
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/ ./authserver ./resourceserver ./webapp
ARG SERVICE
RUN case "$SERVICE" in authserver|resourceserver|webapp) ;; \
     *) echo "Dockerfile: set --build-arg SERVICE=authserver, resourceserver or webapp (docker compose build sets it)" >&2; exit 1 ;; esac \
 && cp "/out/$SERVICE" /out/app

# A static binary, CA roots for https upstreams, and nothing else: no shell,
# no package manager, nothing to write. The health check is the binary
# itself.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/app", "-healthcheck"]
