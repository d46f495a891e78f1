import FleetTypes

/// The engine's clients by id, remembering which ids were set, changed or removed since the store last wrote
/// them: a step's transaction then writes those rows, not every client's (at 200 instances, sorting and comparing
/// every client on every step was most of the engine's cost).
///
/// Any access through the subscript that may change a client marks its id, whether or not the value changed: a
/// row written twice costs little, a row missed would be a recovery bug.
struct ClientTable: Sendable {
    private var states: [ClientID: ClientState] = [:]
    /// The ids set, modified or removed since ``markStored()``.
    private(set) var unstored: Set<ClientID> = []

    /// The client `id`, if the engine knows it; setting or changing it marks it unstored.
    subscript(id: ClientID) -> ClientState? {
        get { states[id] }
        set {
            unstored.insert(id)
            states[id] = newValue
        }
        _modify {
            unstored.insert(id)
            yield &states[id]
        }
    }

    /// Every client.
    var values: Dictionary<ClientID, ClientState>.Values { states.values }

    /// Every client's id.
    var keys: Dictionary<ClientID, ClientState>.Keys { states.keys }

    /// Forgets a client; marks its id unstored.
    @discardableResult
    mutating func removeValue(forKey id: ClientID) -> ClientState? {
        unstored.insert(id)
        return states.removeValue(forKey: id)
    }

    /// Says that the store holds every client as it is now.
    mutating func markStored() {
        unstored.removeAll(keepingCapacity: true)
    }
}
