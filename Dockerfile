# syntax=docker/dockerfile:1

# Build: a static binary (no cgo), reproducible paths, version stamped in.
FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so editing the source does not re-download them.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/alertifypro . \
 && install -d -m 0700 /out/data

# Run: distroless static (CA certificates, tzdata, no shell), as the nonroot user 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/alertifypro /alertifypro
# An empty /data owned by nonroot: a new named volume is initialised from it, so the server can
# write the database and secrets.env without running as root.
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATA_DIR=/data
VOLUME /data
USER 65532:65532
EXPOSE 3001
HEALTHCHECK CMD ["/alertifypro", "healthcheck"]
ENTRYPOINT ["/alertifypro"]
# The server by default; `docker run -e AGENT_SERVER_URL=… -e AGENT_TOKEN=… <image> agent` runs a
# probe agent from the same image (it needs no volume or port; its HEALTHCHECK, which asks the local
# server, does not apply: disable it with --no-healthcheck).
CMD ["serve"]
