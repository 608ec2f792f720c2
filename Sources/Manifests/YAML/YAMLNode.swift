/// A YAML value with the line and column where it starts: what every diagnostic points at.
struct YAMLNode: Sendable, Hashable {
    /// What the node holds.
    enum Value: Sendable, Hashable {
        case scalar(YAMLScalar)
        /// Entries in written order; a repeated key keeps every occurrence (lookups take the last,
        /// as PyYAML does).
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }

    var value: Value
    /// 1-based.
    var line: Int
    /// 1-based.
    var column: Int

    /// A null node that only marks a place (for problems found by the parser).
    static func marker(line: Int, column: Int) -> YAMLNode {
        YAMLNode(value: .scalar(YAMLScalar(text: "", kind: .null)), line: line, column: column)
    }

    /// The entries when the node is a mapping.
    var entries: [YAMLEntry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The items when the node is a sequence.
    var items: [YAMLNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The scalar when the node is one.
    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = value { return scalar }
        return nil
    }

    /// The value under `key` in a mapping (the last one when the key repeats).
    subscript(key: String) -> YAMLNode? {
        entries?.last { $0.key == key }?.value
    }

    /// The entry of `key`, for the key's own location.
    func entry(_ key: String) -> YAMLEntry? { entries?.last { $0.key == key } }

    /// Whether a mapping has `key`.
    func has(_ key: String) -> Bool { entries?.contains { $0.key == key } ?? false }

    /// Whether the node is YAML null (`~`, `null`, or nothing).
    var isNull: Bool { scalar?.kind == .null }

    /// The text of a string scalar (not of numbers, booleans or null).
    var string: String? {
        guard let scalar, scalar.kind == .string else { return nil }
        return scalar.text
    }

    /// The text of any non-null scalar, as written.
    var text: String? {
        guard let scalar, scalar.kind != .null else { return nil }
        return scalar.text
    }

    /// How the value's type reads in a message.
    var typeName: String {
        switch value {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): scalar.kind.name
        }
    }
}

/// One `key: value` of a mapping.
struct YAMLEntry: Sendable, Hashable {
    /// The key's text (keys are scalars in every format mlgitops reads).
    var key: String
    var keyLine: Int
    var keyColumn: Int
    var value: YAMLNode
}

/// A scalar and the type YAML 1.1 (PyYAML, which the Azure ML SDK uses) gives it.
struct YAMLScalar: Sendable, Hashable {
    /// The resolved type of a scalar.
    enum Kind: Sendable, Hashable {
        case string, null, bool, int, float, timestamp

        var name: String {
            switch self {
            case .string: "a string"
            case .null: "null"
            case .bool: "a boolean"
            case .int: "an integer"
            case .float: "a number"
            case .timestamp: "a date"
            }
        }
    }

    /// The text as written (quotes and escapes removed).
    var text: String
    var kind: Kind

    /// The boolean value of a `.bool` scalar.
    var boolValue: Bool? {
        guard kind == .bool else { return nil }
        return YAMLScalarResolver.trueWords.contains(text)
    }

    /// The integer value of an `.int` scalar (YAML 1.1 forms: `0x`, `0o`/`0` octal, `0b`, `_`).
    var intValue: Int? {
        guard kind == .int else { return nil }
        return YAMLScalarResolver.integer(text)
    }

    /// The value of an `.int` or `.float` scalar.
    var doubleValue: Double? {
        switch kind {
        case .int: return intValue.map(Double.init)
        case .float: return YAMLScalarResolver.float(text)
        default: return nil
        }
    }
}
