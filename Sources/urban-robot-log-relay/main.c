// urban-robot-log-relay: the redacting relay between a bot and its log file (see csup_start_relay). A program of
// its own, installed beside urban-robot, so that each launch starts a few kilobytes of C instead of the daemon's
// whole binary with its Swift libraries (20 ms of CPU each, 200 at once in a rollout of 200 instances).
#include "CSupervisorShims.h"

int main(void) {
    csup_relay_main();
}
