import FleetConfiguration
import Logging
import Supervisor

/// The descriptors the daemon holds at a rollout's peak, and its open-files limit raised to hold them.
///
/// At 300 bots under the soft limit most systems start a program with (1,024: systemd's default for a service,
/// most login shells), every launch of a rollout's second half failed with "Too many open files" and the rollout
/// was rolled back; the hard limit, which any process may raise its own soft limit to, is usually hundreds of times
/// higher.
enum DescriptorBudget {
    /// The daemon's own descriptors besides its bots' (state store, listening sockets, admin connections, logs,
    /// the runtime's): 30-40 measured, with room.
    static let ownDescriptors = 64

    /// The most descriptors the daemon may hold in a rollout: each bot client's channel socket, and a local one's
    /// pidfd too, for the actives, the candidates and (with `keep_standby`) the standbys at once.
    static func rolloutPeak(of configuration: Configuration) -> Int {
        let perClient = configuration.launcher.kind == .local ? 2 : 1
        return ownDescriptors + configuration.bot.instances * clientsPerInstance(configuration) * perClient
    }

    /// The soft open-files limit from which a local bot's `/proc/<pid>/statm` stays open between the usage reads of
    /// `status` (``LocalProcessLauncher/init(usageFileLimitFloor:)``): twice the rollout's peak with that descriptor
    /// more per bot, so that it never takes the room of a launch, a fetch or a tag.
    static func usageFileLimitFloor(of configuration: Configuration) -> UInt64 {
        UInt64(2 * (rolloutPeak(of: configuration) + configuration.bot.instances * clientsPerInstance(configuration)))
    }

    /// The bot clients an instance may have at once: the active, the candidate and, with `keep_standby`, the standby.
    private static func clientsPerInstance(_ configuration: Configuration) -> Int {
        configuration.rollout.keepStandby ? 3 : 2
    }

    /// Raises the daemon's soft open-files limit to its hard limit (its bots keep the soft limit found), and warns
    /// when the limit is still below ``rolloutPeak(of:)``.
    static func raiseLimit(for configuration: Configuration, logger: Logger) {
        let peak = rolloutPeak(of: configuration)
        let limit: OpenFilesLimit
        do {
            let found = try OpenFilesLimit.raiseToHard()
            limit = OpenFilesLimit(soft: found.hard, hard: found.hard)
            if found.soft < found.hard {
                logger.info("open-files limit raised to the hard limit; the bots keep the soft limit found",
                            metadata: ["found": "\(found)", "now": "\(limit.soft)"])
            }
        } catch {
            logger.warning("cannot raise the open-files limit", metadata: ["error": "\(error)"])
            return
        }
        guard limit.soft < UInt64(peak) else { return }
        logger.warning("""
            the open-files limit \(limit) is below the \(peak) descriptors a rollout of \
            \(configuration.bot.instances) instances may hold (each bot's channel socket, and a local bot's pidfd, \
            for the actives, the candidates and the standbys at once): launches will fail with "Too many open files"; \
            raise the hard limit (systemd: LimitNOFILE=\(peak * 2), a shell: ulimit -Hn)
            """)
    }
}
