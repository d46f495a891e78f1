public import AdminAPI
public import Deployer
import FleetTypes
public import Foundation
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics (`GET /metrics`), fed by every action the engine emits:
///
/// - `urban_robot_deployments_total{outcome,trigger}`: finished deployments;
/// - `urban_robot_rollbacks_total`: rollbacks the engine started (failed rollouts, aborts);
/// - `urban_robot_gate_phase_seconds{phase}`: `identify`, `ready` and `health_check` of each gate;
/// - `urban_robot_handover_gap_seconds`: the time without a serving active client at each handover: from `coma`
///   sent to the old active (a coma that never came included) until `process_commands` sent to the new one, or
///   from the old one's stop when no coma was sent;
/// - `urban_robot_instances{role,state}` and `urban_robot_channel_sessions`, and the ``StatusGauges``: read at
///   scrape time.
///
/// ```swift
/// let metrics = DaemonMetrics(channelSessions: { daemon.channelSessionCount })
/// daemon.observeActions { metrics.observe($0) }
/// ```
public final class DaemonMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let now: @Sendable () -> Date
    private let channelSessions: @Sendable () -> Int
    private let state = Mutex(ObservedState())
    private let gauges: StatusGauges

    private struct ObservedState {
        var gates = GatePhaseTimer()
        var counted: Set<Int> = []
        var instanceLabels: Set<[String]> = []
        /// The histograms the actions record into, made once each: the registry's lookup by name and labels for
        /// every gate phase and handover was a quarter of what the driver spent performing a step's actions.
        var histograms: [HistogramKey: DurationHistogram] = [:]
    }

    /// One histogram the actions record into.
    private enum HistogramKey: Hashable {
        case gatePhase(String)
        case handoverGap
    }

    private static let durationBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    /// Metrics reading the number of channel sessions from `channelSessions` at each scrape and
    /// timing gate phases with `now` (injected for tests).
    public init(now: @escaping @Sendable () -> Date = Date.init, channelSessions: @escaping @Sendable () -> Int) {
        self.now = now
        self.channelSessions = channelSessions
        gauges = StatusGauges(registry: registry)
        _ = registry.makeCounter(descriptor: Self.descriptor("rollbacks", unit: "total",
                                                             help: "Rollbacks the engine started."))
    }

    /// Takes one action of the engine.
    public func observe(_ action: DeployerAction) {
        let time = now()
        let (measurement, newlyFinished) = state.withLock { state -> (GatePhaseTimer.Measurement?, DeploymentRecord?) in
            let measurement = state.gates.observe(action, now: time)
            guard case .recordDeployment(let record) = action, record.outcome.isTerminal,
                  state.counted.insert(record.id).inserted else { return (measurement, nil) }
            if state.counted.count > 10_000, let oldest = state.counted.min() { state.counted.remove(oldest) }
            return (measurement, record)
        }
        if let measurement {
            histogram(.gatePhase(measurement.phase))
                .record(Duration.milliseconds(Int64((measurement.seconds * 1000).rounded())))
        }
        if let record = newlyFinished {
            registry.makeCounter(
                descriptor: Self.descriptor("deployments", unit: "total", help: "Finished deployments by outcome and trigger."),
                labels: [("outcome", record.outcome.rawValue), ("trigger", record.trigger.rawValue)]
            ).increment()
        }
        guard case .audit(let entry) = action else { return }
        switch entry.event {
        case .rollbackStarted:
            registry.makeCounter(descriptor: Self.descriptor("rollbacks", unit: "total", help: "Rollbacks the engine started."))
                .increment()
        case .handoverCommitted(_, _, let gap, let sinceComa):
            histogram(.handoverGap).record(Duration.milliseconds(Int64((max(0, sinceComa ?? gap) * 1000).rounded())))
        case .deploymentStarted, .deploymentQueued, .deploymentReplaced, .deploymentDuplicate, .deploymentRefused,
             .deploymentInterrupted, .deploymentFinished, .releasePrepared, .releaseFailed, .rolloutWave,
             .rolloutBake, .rolloutPaused, .rolloutWatch, .launchQueued, .clientLaunch, .clientLaunched,
             .clientConnected, .clientRefused, .clientUnmanaged, .clientReadmitted, .clientDisconnected, .clientLost,
             .clientExited, .clientRetired, .clientUnaskedShutdown, .healthReport, .healthProbePassed, .gatePassed,
             .gateFailed, .activeFailed, .instanceCrashLoop, .handoverStarted, .handoverComaConfirmed,
             .handoverComaTimeout, .handoverAbandoned, .rollbackStandby, .rollbackPrepare, .rollbackTargetReady,
             .rollbackTargetFailed, .rollbackTargetRejected, .revisionUnmarkedBad, .revisionTaggedGood, .revisionNotMarkedBad,
             .daemonHalted, .operatorAbort, .operatorAbortIgnored, .operatorPromote, .operatorPromoteIgnored,
             .operatorResume, .channelRefused, .repairWanted, .repairClosed, .repairStarted, .repairFinished,
             .performed, .unrecognized:
            return
        }
    }

    /// The histogram `key`, made in the registry the first time.
    private func histogram(_ key: HistogramKey) -> DurationHistogram {
        state.withLock { state in
            if let made = state.histograms[key] { return made }
            let made = switch key {
            case .gatePhase(let phase):
                registry.makeDurationHistogram(
                    descriptor: Self.descriptor("gate_phase", unit: "seconds", help: "How long each phase of a candidate's gate took."),
                    labels: [("phase", phase)], buckets: Self.durationBuckets)
            case .handoverGap:
                registry.makeDurationHistogram(
                    descriptor: Self.descriptor("handover_gap", unit: "seconds",
                                                 help: "Time without a serving active client at a handover: coma sent to the old one until process_commands sent to the new one."),
                    buckets: Self.durationBuckets)
            }
            state.histograms[key] = made
            return made
        }
    }

    /// The Prometheus text of every metric, with the instance gauges set from `status`.
    public func render(status: StatusSnapshot) -> String {
        var counts: [[String]: Int] = [:]
        for instance in status.instances {
            for (role, client) in [("active", instance.active), ("standby", instance.standby), ("candidate", instance.candidate)] {
                if let client { counts[[role, client.state], default: 0] += 1 }
            }
        }
        let labels = state.withLock { state in
            state.instanceLabels.formUnion(counts.keys)
            return state.instanceLabels
        }
        for key in labels {
            registry.makeGauge(
                descriptor: Self.descriptor("instances", unit: "", help: "Clients by role and state."),
                labels: [("role", key[0]), ("state", key[1])]
            ).set(Double(counts[key] ?? 0))
        }
        registry.makeGauge(descriptor: Self.descriptor("channel_sessions", unit: "", help: "Open channel sessions."))
            .set(Double(channelSessions()))
        gauges.update(from: status, now: now())
        return registry.emitToString()
    }

    private static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "urban_robot", metricName: name, unitName: unit, helpText: help)
    }
}
