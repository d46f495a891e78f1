import AdminAPI
import FleetTypes
import Foundation
import Prometheus
import Synchronization

/// The gauges `/metrics` sets from the daemon's status at each scrape: the daemon's state, its revision, and one
/// series per client that runs now (a client that is gone loses its series, so the label sets stay as many as
/// the fleet's clients).
///
/// - `urban_robot_halted`: 1 while deployments are halted, else 0;
/// - `urban_robot_store_failing`: 1 while the state store cannot be written (status `store_error`), else 0;
/// - `urban_robot_state{state}`: 1 for the daemon's state (`idle`, `deploying`, `halted`), 0 for the others;
/// - `urban_robot_revision_info{revision}`: 1 for the fleet's revision (the series of an earlier one is removed);
/// - per client, labelled `instance`, `role` (`active`, `standby`, `candidate`), `client`, and `node` for a client
///   that runs on a Swarm node (a local process has no `node` label):
///   `urban_robot_client_up` (1 while serving, else 0), `urban_robot_client_restarts` (the active only: its
///   instance's relaunches other than a deployment's since its revision went live), `urban_robot_client_resident_memory_bytes` and
///   `urban_robot_client_cpu_seconds` (the process's CPU clock, read when the process is known),
///   `urban_robot_client_heartbeat_age_seconds`,
///   `urban_robot_client_guilds` and `urban_robot_client_gateway_latency_seconds` (the last three only once the
///   client sent them in a heartbeat).
final class StatusGauges: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let shown = Mutex<[String: Gauge]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets every gauge from `status`, read at `now`, and removes the series of what is gone.
    func update(from status: StatusSnapshot, now: Date) {
        var values: [String: (MetricNameDescriptor, [(String, String)], Double)] = [:]
        func set(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
            let key = ([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
            values[key] = (Self.descriptor(name, help: help), labels, value)
        }
        set("halted", "1 while deployments are halted (until `urban-robot resume`), else 0.", [],
            status.state == .halted ? 1 : 0)
        set("store_failing", "1 while the state store cannot be written (the engine stands still; see status), else 0.", [],
            status.storeError == nil ? 0 : 1)
        for state in [StatusSnapshot.State.idle, .deploying, .halted] {
            set("state", "1 for the daemon's state, 0 for the others.", [("state", state.rawValue)], status.state == state ? 1 : 0)
        }
        if let revision = status.revision {
            set("revision_info", "1 for the revision the fleet runs.", [("revision", revision.rawValue)], 1)
        }
        for instance in status.instances {
            for (role, client) in [("active", instance.active), ("standby", instance.standby), ("candidate", instance.candidate)] {
                guard let client else { continue }
                let labels = [("instance", "\(instance.instance)"), ("role", role), ("client", client.client.rawValue)]
                    + (client.node.map { [("node", $0)] } ?? [])
                set("client_up", "1 while the client is serving, else 0.", labels, client.state == "serving" ? 1 : 0)
                if let restarts = client.restarts {
                    set("client_restarts", "Relaunches of the active's instance other than a deployment's (restarts after an exit, "
                        + "repairs) since its revision went live.", labels, Double(restarts))
                }
                if let rssBytes = client.rssBytes {
                    set("client_resident_memory_bytes", "The client process's resident memory.", labels, Double(rssBytes))
                }
                if let cpuSeconds = client.cpuSeconds {
                    set("client_cpu_seconds", "The client process's user and system CPU time.", labels, cpuSeconds)
                }
                guard let heartbeat = client.heartbeat else { continue }
                set("client_heartbeat_age_seconds", "Seconds since the client's last heartbeat.", labels,
                    max(0, now.timeIntervalSince(heartbeat.at)))
                if case .number(let guilds)? = heartbeat.stats["guilds"], guilds.isFinite {
                    set("client_guilds", "The guild count of the client's last heartbeat.", labels, guilds)
                }
                if case .number(let latency)? = heartbeat.stats["latency"], latency.isFinite {
                    set("client_gateway_latency_seconds", "The Discord gateway latency of the client's last heartbeat.",
                        labels, latency)
                }
            }
        }
        let registry = self.registry
        shown.withLock { shown in
            for (key, gauge) in shown where values[key] == nil {
                registry.unregisterGauge(gauge)
                shown[key] = nil
            }
            for (key, (descriptor, labels, value)) in values {
                let gauge = shown[key] ?? registry.makeGauge(descriptor: descriptor, labels: labels)
                gauge.set(value)
                shown[key] = gauge
            }
        }
    }

    private static func descriptor(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "urban_robot", metricName: name, unitName: "", helpText: help)
    }
}
