/* vm-audit: changes the kernel's audit state inside the test VMs (test/vm), where there is no
 * auditctl: a tiny static program that speaks audit netlink itself, built for each
 * architecture the VMs run (gcc -static; aarch64-linux-gnu-gcc -static).
 *   vm-audit enabled N          AUDIT_SET enabled (auditctl -e N)
 *   vm-audit backlog N          AUDIT_SET backlog_limit (auditctl -b N)
 *   vm-audit hit KEY COUNT      adds an exit rule for getppid(2) from this process alone, with
 *                               key KEY (auditctl -a always,exit -F arch=ARCH -S getppid
 *                               -F pid=PID -k KEY), then calls getppid COUNT times: exactly COUNT
 *                               SYSCALL records with that key. The rule stays, so the rule
 *                               series show it.
 * Each change waits for the kernel's acknowledgement; a refusal is printed with its errno and
 * the exit status is 1 (2 for a usage error). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define VM_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define VM_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "vm-audit knows the audit architecture of x86_64 and aarch64 only"
#endif

static int audit_socket(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0) {
        fprintf(stderr, "vm-audit: socket(AF_NETLINK, NETLINK_AUDIT): %s\n", strerror(errno));
        exit(1);
    }
    return fd;
}

/* Sends one request asking for an acknowledgement and returns the kernel's answer: 0, or the
 * errno it refused with. */
static int request(int fd, int type, const void* payload, size_t length) {
    size_t total = NLMSG_SPACE(length);
    struct nlmsghdr* message = calloc(1, total);
    if (message == NULL) {
        return ENOMEM;
    }
    message->nlmsg_len = (unsigned)NLMSG_LENGTH(length);
    message->nlmsg_type = (unsigned short)type;
    message->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    message->nlmsg_seq = 1;
    memcpy(NLMSG_DATA(message), payload, length);
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    ssize_t sent =
        sendto(fd, message, message->nlmsg_len, 0, (struct sockaddr*)&kernel, sizeof kernel);
    free(message);
    if (sent < 0) {
        return errno;
    }
    char answer[8192];
    for (;;) {
        ssize_t got = recv(fd, answer, sizeof answer, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        for (struct nlmsghdr* reply = (struct nlmsghdr*)answer; NLMSG_OK(reply, (size_t)got);
             reply = NLMSG_NEXT(reply, got)) {
            if (reply->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr* error = NLMSG_DATA(reply);
                return -error->error;
            }
        }
    }
}

static int set_status(unsigned mask, unsigned value) {
    struct audit_status status;
    memset(&status, 0, sizeof status);
    status.mask = mask;
    if (mask == AUDIT_STATUS_ENABLED) {
        status.enabled = value;
    } else {
        status.backlog_limit = value;
    }
    int fd = audit_socket();
    int error = request(fd, AUDIT_SET, &status, sizeof status);
    close(fd);
    if (error != 0) {
        fprintf(stderr, "vm-audit: AUDIT_SET refused: %s\n", strerror(error));
        return 1;
    }
    return 0;
}

static void add_field(struct audit_rule_data* rule, unsigned field, unsigned value) {
    rule->fields[rule->field_count] = field;
    rule->fieldflags[rule->field_count] = AUDIT_EQUAL;
    rule->values[rule->field_count] = value;
    rule->field_count++;
}

static int hit(const char* key, long count) {
    size_t key_length = strlen(key);
    struct audit_rule_data* rule = calloc(1, sizeof *rule + key_length);
    if (rule == NULL) {
        return 1;
    }
    rule->flags = AUDIT_FILTER_EXIT;
    rule->action = AUDIT_ALWAYS;
    rule->mask[SYS_getppid / 32] |= 1U << (SYS_getppid % 32);
    add_field(rule, AUDIT_ARCH, VM_AUDIT_ARCH);
    add_field(rule, AUDIT_PID, (unsigned)getpid());
    add_field(rule, AUDIT_FILTERKEY, (unsigned)key_length);
    rule->buflen = (unsigned)key_length;
    memcpy(rule->buf, key, key_length);
    int fd = audit_socket();
    int error = request(fd, AUDIT_ADD_RULE, rule, sizeof *rule + key_length);
    close(fd);
    free(rule);
    if (error != 0) {
        fprintf(stderr, "vm-audit: AUDIT_ADD_RULE refused: %s\n", strerror(error));
        return 1;
    }
    for (long i = 0; i < count; i++) {
        syscall(SYS_getppid); /* not getppid(): the C library could answer from a cache */
    }
    return 0;
}

static long number(const char* text) {
    char* end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0) {
        fprintf(stderr, "vm-audit: not a number: %s\n", text);
        exit(2);
    }
    return value;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "enabled") == 0) {
        return set_status(AUDIT_STATUS_ENABLED, (unsigned)number(argv[2]));
    }
    if (argc == 3 && strcmp(argv[1], "backlog") == 0) {
        return set_status(AUDIT_STATUS_BACKLOG_LIMIT, (unsigned)number(argv[2]));
    }
    if (argc == 4 && strcmp(argv[1], "hit") == 0) {
        return hit(argv[2], number(argv[3]));
    }
    fprintf(stderr, "usage: vm-audit enabled N | backlog N | hit KEY COUNT\n");
    return 2;
}
