import FleetTypes
import Foundation

/// The engine's clients by id, remembering which ids were set, changed or removed since the store last wrote
/// them: a step's transaction then writes those rows, not every client's (at 200 instances, sorting and comparing
/// every client on every step was most of the engine's cost).
///
/// Any access through the subscript that may change a client marks its id, whether or not the value changed: a
/// row written twice costs little, a row missed would be a recovery bug.
///
/// A value type whose clients are kept each in a box of its own, copied on write: the driver keeps a copy of the
/// engine for each step (to undo it, and for status readers), so the step's first change copied the whole table.
/// A table of ``ClientState`` values copied every field of every client (some 400 at 200 instances, a retain per
/// reference-counted field) and was a sixth of the driver's CPU in a 200-shard rollout; a table of boxes copies
/// a reference per client, and the one client changed.
struct ClientTable: Sendable {
    /// One client's state, shared between copies of the table until one of them changes it.
    ///
    /// `@unchecked Sendable`: a box is only written while the table holding it is its only owner
    /// (`isKnownUniquelyReferenced`); a box that a copy shares, one another thread may read, is never written.
    private final class Box: @unchecked Sendable {
        /// The client; set only through ``update(_:)``, which keeps ``deadline`` true.
        private(set) var state: ClientState
        /// The client's ``ClientState/nextDeadline``, kept with it: the driver reads every client's after every
        /// step, and computing it there copied each client's gate out of its box (400 copies a step).
        private(set) var deadline: Date?

        init(_ state: ClientState) {
            self.state = state
            deadline = state.nextDeadline
        }

        func update(_ state: ClientState) {
            self.state = state
            deadline = state.nextDeadline
        }
    }

    private var boxes: [ClientID: Box] = [:]
    /// The ids set, modified or removed since ``markStored()``.
    private(set) var unstored: Set<ClientID> = []

    /// The client `id`, if the engine knows it; setting or changing it marks it unstored.
    subscript(id: ClientID) -> ClientState? {
        get { boxes[id]?.state }
        set {
            unstored.insert(id)
            boxes[id] = newValue.map(Box.init)
        }
        _modify {
            unstored.insert(id)
            guard let index = boxes.index(forKey: id) else {
                var added: ClientState?
                yield &added
                if let added { boxes[id] = Box(added) }
                return
            }
            if !isKnownUniquelyReferenced(&boxes.values[index]) {
                boxes.values[index] = Box(boxes.values[index].state)
            }
            let box = boxes.values[index]
            var state: ClientState? = box.state
            yield &state
            if let state { box.update(state) } else { boxes.remove(at: index) }
        }
    }

    /// The revision of client `id`, read in place (the subscript copies the whole client).
    func revision(of id: ClientID) -> Revision? {
        boxes[id]?.state.revision
    }

    /// Every client.
    var values: some Collection<ClientState> {
        boxes.values.lazy.map(\.state)
    }

    /// The earliest of every client's deadlines (``ClientState/nextDeadline``), as each box keeps it: the driver
    /// asks after every step, and a copy of each client to read it was a tenth of the driver's CPU.
    var earliestDeadline: Date? {
        boxes.values.reduce(nil) { earliest, box in earlier(earliest, box.deadline) }
    }

    /// Whether one of client `id`'s deadlines (``ClientState/nextDeadline``) is at or before `now`, as its box
    /// keeps it: a tick visits every client, and most have nothing due.
    func hasDeadline(of id: ClientID, atOrBefore now: Date) -> Bool {
        guard let deadline = boxes[id]?.deadline else { return false }
        return deadline <= now
    }

    /// The instance of client `id`, read in place.
    func instance(of id: ClientID) -> Int? {
        boxes[id]?.state.instance
    }

    /// Whether client `id` has a health check due or in flight, read in place.
    func isProbed(_ id: ClientID) -> Bool {
        guard let box = boxes[id] else { return false }
        return box.state.nextProbe != nil || box.state.probeDeadline != nil
    }

    /// Every client's id.
    var keys: some Collection<ClientID> { boxes.keys }

    /// Forgets a client; marks its id unstored.
    @discardableResult
    mutating func removeValue(forKey id: ClientID) -> ClientState? {
        unstored.insert(id)
        return boxes.removeValue(forKey: id)?.state
    }

    /// Says that the store holds every client as it is now.
    mutating func markStored() {
        unstored.removeAll(keepingCapacity: true)
    }
}
