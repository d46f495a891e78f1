/*
 * The scale benchmark's bot in C (run.py --bot c): what minimal_bot.py does, for
 * a process that starts in about a millisecond of CPU instead of some 50. With
 * 200 Python bots starting on 2 cores the CPU is saturated for seconds, and every
 * latency then measures the scheduler; with these the daemon is what is measured.
 *
 * The whole channel protocol on a raw WebSocket (Engine.IO v4 / Socket.IO v5
 * frames written by hand): CONNECT with the launch credentials, `identify`,
 * `ready` after `hello`, a passing `health_check` report, `coma`,
 * `process_commands`, and on `shutdown` the answer and the exit.
 *
 * It appends one JSON line per event to $BENCH_RECORDS (O_APPEND, one write per
 * line), as minimal_bot.py does: {"client", "shard", "revision", "event", "mono",
 * "wall"}; `mono` is CLOCK_MONOTONIC (Python's time.monotonic()), `wall` is
 * CLOCK_REALTIME, both in seconds.
 *
 *     cc -O2 -o minimal-bot minimal_bot.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *client, *shard, *revision;
static int records = -1, server = -1;

static double seconds(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* One record line; `client` and `revision` are an instance id and a commit id (no characters to escape). */
static void record(const char *event) {
    char line[512];
    int length = snprintf(line, sizeof line,
                          "{\"client\": \"%s\", \"shard\": %s, \"revision\": \"%s\", \"event\": \"%s\", "
                          "\"mono\": %.9f, \"wall\": %.6f}\n",
                          client, shard, revision, event, seconds(CLOCK_MONOTONIC), seconds(CLOCK_REALTIME));
    if (length > 0 && (size_t)length < sizeof line && write(records, line, (size_t)length) < 0) _exit(3);
}

static void send_all(const unsigned char *bytes, size_t length) {
    while (length > 0) {
        ssize_t sent = write(server, bytes, length);
        if (sent <= 0) _exit(4);
        bytes += sent;
        length -= (size_t)sent;
    }
}

/* A masked client text frame (RFC 6455). */
static void send_text(const char *text) {
    size_t length = strlen(text), header = length < 126 ? 2 : 4;
    unsigned char frame[4 + 4 + 1024];
    if (length > 1024) _exit(5);
    frame[0] = 0x81;
    if (length < 126) {
        frame[1] = (unsigned char)(0x80 | length);
    } else {
        frame[1] = 0x80 | 126;
        frame[2] = (unsigned char)(length >> 8);
        frame[3] = (unsigned char)length;
    }
    unsigned char *key = frame + header;
    unsigned int noise = (unsigned int)rand();
    memcpy(key, &noise, 4);
    for (size_t index = 0; index < length; index++) frame[header + 4 + index] = (unsigned char)text[index] ^ key[index % 4];
    send_all(frame, header + 4 + length);
}

static void send_event(const char *name, const char *data) {
    char packet[1024];
    snprintf(packet, sizeof packet, "42[\"%s\",%s]", name, data);
    send_text(packet);
}

/* The start of the value of `"key"` in `json` (after the colon and spaces), or NULL. */
static const char *value_of(const char *json, const char *key) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    for (const char *at = strstr(json, quoted); at; at = strstr(at + 1, quoted)) {
        const char *cursor = at + strlen(quoted);
        while (*cursor == ' ') cursor++;
        if (*cursor != ':') continue;
        cursor++;
        while (*cursor == ' ') cursor++;
        return cursor;
    }
    return NULL;
}

static int value_is(const char *json, const char *key, const char *expected) {
    const char *value = value_of(json, key);
    return value && strncmp(value, expected, strlen(expected)) == 0;
}

/* Handles one Engine.IO packet; returns 1 once the bot is to exit. */
static int on_packet(const char *packet) {
    if (strcmp(packet, "2") == 0) {
        send_text("3");
    } else if (packet[0] == '0') {
        char connect[512];
        const char *key = getenv("URBAN_ROBOT_KEY");
        snprintf(connect, sizeof connect, "40{\"instance\":\"%s\",\"key\":\"%s\"}", client, key ? key : "");
        send_text(connect);
    } else if (strncmp(packet, "40", 2) == 0) {
        send_text("420[\"identify\",{\"version\":\"bench\"}]");
    } else if (strncmp(packet, "42", 2) == 0) {
        const char *array = strchr(packet, '[');
        if (!array) return 0;
        if (strncmp(array, "[\"hello\"", 8) == 0) {
            if (!value_is(array, "process_commands", "true")) send_event("ready", "{}");
        } else if (strncmp(array, "[\"cmd\"", 6) == 0) {
            if (value_is(array, "t", "\"health_check\"")) {
                send_event("health_check", "{\"OK\":true,\"percent\":100,\"cogs\":{\"core\":true}}");
            } else if (value_is(array, "t", "\"process_commands\"")) {
                record("process_commands");
                send_event("ready", "{}");
            } else if (value_is(array, "t", "\"coma\"")) {
                record("coma");
                send_event("coma", "{}");
            } else if (value_is(array, "t", "\"shutdown\"")) {
                send_event("shutdown", "{}");
                return 1;
            }
        }
    }
    return 0;
}

/* Connects to host:port and sends the WebSocket upgrade for `path`. */
static void connect_channel(const char *host, const char *port, const char *path) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found;
    if (getaddrinfo(host, port, &hints, &found) != 0) _exit(6);
    server = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (server < 0 || connect(server, found->ai_addr, found->ai_addrlen) != 0) _exit(7);
    freeaddrinfo(found);
    char request[1024];
    int length = snprintf(request, sizeof request,
                          "GET %s/socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dXJiYW4tcm9ib3QtYmVuY2g=\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n", path, host, port);
    send_all((const unsigned char *)request, (size_t)length);
}

int main(void) {
    client = getenv("URBAN_ROBOT_INSTANCE");
    shard = getenv("URBAN_ROBOT_SHARD");
    revision = getenv("URBAN_ROBOT_REVISION");
    const char *url = getenv("URBAN_ROBOT_URL"), *path = getenv("BENCH_RECORDS");
    if (!client || !shard || !revision || !url || !path) return 2;
    records = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (records < 0) return 2;
    srand((unsigned int)getpid());

    /* http://HOST:PORT[/PATH] */
    char host[256], port[16], base[256] = "";
    if (sscanf(url, "http://%255[^:/]:%15[0-9]%255s", host, port, base) < 2) return 2;
    size_t base_length = strlen(base);
    while (base_length > 0 && base[base_length - 1] == '/') base[--base_length] = '\0';
    connect_channel(host, port, base);

    static unsigned char buffer[1 << 20];
    size_t filled = 0;
    int upgraded = 0, finished = 0;
    while (!finished) {
        ssize_t got = read(server, buffer + filled, sizeof buffer - filled - 1);
        if (got <= 0) break;
        filled += (size_t)got;
        if (!upgraded) {
            buffer[filled] = '\0';
            char *end = strstr((char *)buffer, "\r\n\r\n");
            if (!end) continue;
            if (strncmp((char *)buffer, "HTTP/1.1 101", 12) != 0) return 8;
            size_t header = (size_t)(end + 4 - (char *)buffer);
            memmove(buffer, buffer + header, filled - header);
            filled -= header;
            upgraded = 1;
        }
        size_t offset = 0;
        while (!finished && filled - offset >= 2) {
            unsigned char opcode = buffer[offset] & 0x0F;
            size_t length = buffer[offset + 1] & 0x7F, start = offset + 2;
            if (length == 126) {
                if (filled - offset < 4) break;
                length = ((size_t)buffer[offset + 2] << 8) | buffer[offset + 3];
                start = offset + 4;
            } else if (length == 127) {
                if (filled - offset < 10) break;
                length = 0;
                for (int index = 2; index < 10; index++) length = (length << 8) | buffer[offset + index];
                start = offset + 10;
            }
            if (length >= sizeof buffer - 1) return 9;
            if (filled - start < length) break;
            if (opcode == 0x1) {
                char packet[1 << 16];
                size_t kept = length < sizeof packet - 1 ? length : sizeof packet - 1;
                memcpy(packet, buffer + start, kept);
                packet[kept] = '\0';
                finished = on_packet(packet);
            } else if (opcode == 0x8) {
                finished = 1;
            }
            offset = start + length;
        }
        memmove(buffer, buffer + offset, filled - offset);
        filled -= offset;
    }
    usleep(50000); /* let the shutdown answer leave */
    close(server);
    record("exit");
    _exit(0);
}
