/* connload: a closed-loop connection-churn client for bench/compare-exec.
 * Each of T threads loops: connect, send one line, read to EOF, check the reply, close. Prints one line:
 *   connections=N seconds=S per_second=R failures=F
 * usage: connload HOST PORT THREADS SECONDS LINE EXPECTED
 *   LINE is sent with a newline and a half-close; EXPECTED is what must come back, then EOF.
 * Written for this repository; no dependency beyond libc and pthreads. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in target;
static const char *line, *expected;
static double deadline;
static long total, failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int one(void) {
  char buf[4096];
  size_t want = strlen(expected), got = 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  int ok = 0;
  struct timeval patience = {5, 0}; /* a server that never closes counts as a failure, not a hang */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  if (connect(fd, (struct sockaddr *)&target, sizeof target) == 0) {
    char out[1024];
    int n = snprintf(out, sizeof out, "%s\n", line);
    if (send(fd, out, n, MSG_NOSIGNAL) == n && shutdown(fd, SHUT_WR) == 0) {
      ssize_t r;
      while ((r = recv(fd, buf + got, sizeof buf - got, 0)) > 0) {
        got += r;
        if (got == sizeof buf) break;
      }
      ok = r == 0 && got == want && memcmp(buf, expected, want) == 0;
    }
  }
  close(fd);
  return ok;
}

static void *run(void *arg) {
  (void)arg;
  long done = 0, bad = 0;
  while (now() < deadline) {
    if (one()) done++; else bad++;
  }
  pthread_mutex_lock(&lock);
  total += done;
  failures += bad;
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: connload HOST PORT THREADS SECONDS LINE EXPECTED\n");
    return 2;
  }
  target.sin_family = AF_INET;
  target.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &target.sin_addr) != 1) {
    fprintf(stderr, "connload: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  int threads = atoi(argv[3]);
  double seconds = atof(argv[4]);
  line = argv[5];
  expected = argv[6];
  double start = now();
  deadline = start + seconds;
  pthread_t ids[256];
  if (threads < 1 || threads > 256) return 2;
  for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, run, NULL);
  for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
  double elapsed = now() - start;
  printf("connections=%ld seconds=%.2f per_second=%.0f failures=%ld\n", total, elapsed, total / elapsed, failures);
  return failures > 0 && total == 0;
}
