/// The `Encoder` ``AnswerEncoder`` hands to the values that are not plain (``AnswerNode/plain(_:in:key:)``): it
/// holds the node the value encodes into, and its place in the document (for errors only, computed when asked).
final class AnswerNodeEncoder: Encoder {
    /// The node encoded so far: set by the first container asked for.
    var node: AnswerNode?
    private let parent: AnswerNodeEncoder?
    private let key: (any CodingKey)?

    init(parent: AnswerNodeEncoder?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        (parent?.codingPath ?? []) + (key.map { [$0] } ?? [])
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object(let object)? = node { return KeyedEncodingContainer(AnswerKeyedContainer(object: object, encoder: self)) }
        let object = AnswerObject()
        node = .object(object)
        return KeyedEncodingContainer(AnswerKeyedContainer(object: object, encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array)? = node { return AnswerUnkeyedContainer(array: array, encoder: self) }
        let array = AnswerArray()
        node = .array(array)
        return AnswerUnkeyedContainer(array: array, encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        AnswerSingleValueContainer(encoder: self)
    }

    /// The node of `value`, a member or element of this encoder's value at `key`.
    func node(of value: some Encodable, at key: any CodingKey) throws -> AnswerNode {
        try AnswerNode.of(value, in: self, key: key) ?? .object(AnswerObject())
    }
}

/// An index in an array, as a coding key (for the coding path of errors).
struct AnswerIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

/// The members of an object.
struct AnswerKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: AnswerObject
    let encoder: AnswerNodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil(forKey key: Key) { set(.null, key) }
    func encode(_ value: Bool, forKey key: Key) { set(.literal(value ? "true" : "false"), key) }
    func encode(_ value: String, forKey key: Key) { set(.string(value), key) }
    func encode(_ value: Double, forKey key: Key) throws { set(try AnswerNode.number(value, in: encoder, key: key), key) }
    func encode(_ value: Float, forKey key: Key) throws { set(try AnswerNode.number(value, in: encoder, key: key), key) }
    func encode(_ value: Int, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: Int8, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: Int16, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: Int32, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: Int64, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: UInt, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: UInt8, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: UInt16, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: UInt32, forKey key: Key) { set(.literal(String(value)), key) }
    func encode(_ value: UInt64, forKey key: Key) { set(.literal(String(value)), key) }
    func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(try encoder.node(of: value, at: key), key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        nestedEncoder(key).unkeyedContainer()
    }

    func superEncoder() -> any Encoder { nestedEncoder(AnswerSuperKey()) }
    func superEncoder(forKey key: Key) -> any Encoder { nestedEncoder(key) }

    private func nestedEncoder(_ key: any CodingKey) -> AnswerNodeEncoder {
        let nested = AnswerNodeEncoder(parent: encoder, key: key)
        set(.nested(nested), key)
        return nested
    }

    private func set(_ node: AnswerNode, _ key: any CodingKey) {
        object.members.append((key.stringValue, node))
    }
}

/// The key `super`, of the default `superEncoder()`.
struct AnswerSuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

/// The elements of an array.
struct AnswerUnkeyedContainer: UnkeyedEncodingContainer {
    let array: AnswerArray
    let encoder: AnswerNodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { array.elements.count }

    func encodeNil() { array.elements.append(.null) }
    func encode(_ value: Bool) { array.elements.append(.literal(value ? "true" : "false")) }
    func encode(_ value: String) { array.elements.append(.string(value)) }
    func encode(_ value: Double) throws { array.elements.append(try AnswerNode.number(value, in: encoder, key: nextKey)) }
    func encode(_ value: Float) throws { array.elements.append(try AnswerNode.number(value, in: encoder, key: nextKey)) }
    func encode(_ value: Int) { array.elements.append(.literal(String(value))) }
    func encode(_ value: Int8) { array.elements.append(.literal(String(value))) }
    func encode(_ value: Int16) { array.elements.append(.literal(String(value))) }
    func encode(_ value: Int32) { array.elements.append(.literal(String(value))) }
    func encode(_ value: Int64) { array.elements.append(.literal(String(value))) }
    func encode(_ value: UInt) { array.elements.append(.literal(String(value))) }
    func encode(_ value: UInt8) { array.elements.append(.literal(String(value))) }
    func encode(_ value: UInt16) { array.elements.append(.literal(String(value))) }
    func encode(_ value: UInt32) { array.elements.append(.literal(String(value))) }
    func encode(_ value: UInt64) { array.elements.append(.literal(String(value))) }
    func encode<T: Encodable>(_ value: T) throws { array.elements.append(try encoder.node(of: value, at: nextKey)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        nestedEncoder().container(keyedBy: type)
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nestedEncoder().unkeyedContainer()
    }

    func superEncoder() -> any Encoder { nestedEncoder() }

    private var nextKey: AnswerIndexKey { AnswerIndexKey(intValue: array.elements.count) }

    private func nestedEncoder() -> AnswerNodeEncoder {
        let nested = AnswerNodeEncoder(parent: encoder, key: nextKey)
        array.elements.append(.nested(nested))
        return nested
    }
}

/// The one value of a value that encodes as a single one (a `RawRepresentable`, an optional).
struct AnswerSingleValueContainer: SingleValueEncodingContainer {
    let encoder: AnswerNodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil() { encoder.node = .null }
    func encode(_ value: Bool) { encoder.node = .literal(value ? "true" : "false") }
    func encode(_ value: String) { encoder.node = .string(value) }
    func encode(_ value: Double) throws { encoder.node = try AnswerNode.number(value, in: encoder, key: nil) }
    func encode(_ value: Float) throws { encoder.node = try AnswerNode.number(value, in: encoder, key: nil) }
    func encode(_ value: Int) { encoder.node = .literal(String(value)) }
    func encode(_ value: Int8) { encoder.node = .literal(String(value)) }
    func encode(_ value: Int16) { encoder.node = .literal(String(value)) }
    func encode(_ value: Int32) { encoder.node = .literal(String(value)) }
    func encode(_ value: Int64) { encoder.node = .literal(String(value)) }
    func encode(_ value: UInt) { encoder.node = .literal(String(value)) }
    func encode(_ value: UInt8) { encoder.node = .literal(String(value)) }
    func encode(_ value: UInt16) { encoder.node = .literal(String(value)) }
    func encode(_ value: UInt32) { encoder.node = .literal(String(value)) }
    func encode(_ value: UInt64) { encoder.node = .literal(String(value)) }
    func encode<T: Encodable>(_ value: T) throws {
        encoder.node = try AnswerNode.of(value, in: encoder, key: nil) ?? .object(AnswerObject())
    }
}
