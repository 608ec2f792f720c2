/// A JSON value written one way only: object keys sorted byte-wise, no spaces, arrays in order.
/// It is what every definition hash is computed over.
indirect enum CanonicalJSON: Sendable, Hashable {
    case string(String)
    /// A number as canonical text (integers as written in base 10).
    case number(String)
    case bool(Bool)
    case null
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// Builds an object, dropping nil members (absent and null hash the same).
    static func object(_ members: [(String, CanonicalJSON?)]) -> CanonicalJSON {
        var result: [String: CanonicalJSON] = [:]
        for (key, value) in members { if let value { result[key] = value } }
        return .object(result)
    }

    static func optional(_ text: String?) -> CanonicalJSON? { text.map(CanonicalJSON.string) }
    static func optional(_ number: Int?) -> CanonicalJSON? { number.map { .number(String($0)) } }

    /// A YAML value as JSON: mappings sorted, scalars by their YAML type.
    init(_ node: YAMLNode) {
        switch node.value {
        case .mapping(let entries):
            var members: [String: CanonicalJSON] = [:]
            for entry in entries { members[entry.key] = CanonicalJSON(entry.value) }
            self = .object(members)
        case .sequence(let items):
            self = .array(items.map(CanonicalJSON.init))
        case .scalar(let scalar):
            switch scalar.kind {
            case .null: self = .null
            case .bool: self = .bool(scalar.boolValue ?? false)
            case .int: self = .number(scalar.intValue.map(String.init) ?? scalar.text)
            case .float: self = .number(scalar.doubleValue.map { "\($0)" } ?? scalar.text)
            case .string, .timestamp: self = .string(scalar.text)
            }
        }
    }

    /// This value (the node at `prefix`) with the values at the given field paths replaced, and
    /// the top-level `excluded` members removed.
    func substituting(_ replacements: [String: CanonicalJSON], under prefix: String, excluding excluded: Set<String> = []) -> CanonicalJSON {
        var result = self
        if case .object(var members) = result {
            for key in excluded { members[key] = nil }
            result = .object(members)
        }
        let lead = prefix.isEmpty ? "" : prefix + "."
        for (path, value) in replacements {
            if path == prefix { return value }
            guard path.hasPrefix(lead) else { continue }
            let segments = path.dropFirst(lead.count).split(separator: ".").map(String.init)
            if let first = segments.first, excluded.contains(first) { continue }
            result = result.replacing(segments[...], with: value)
        }
        return result
    }

    private func replacing(_ segments: ArraySlice<String>, with value: CanonicalJSON) -> CanonicalJSON {
        guard let first = segments.first else { return value }
        guard case .object(var members) = self, let child = members[first] else { return self }
        members[first] = child.replacing(segments.dropFirst(), with: value)
        return .object(members)
    }

    /// The compact text.
    var text: String { String(decoding: utf8, as: UTF8.self) }

    /// The compact text's UTF-8 bytes: what hashes read, without making a String first.
    var utf8: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(to: &out)
        return out
    }

    // Written as bytes: appending to a String one Unicode scalar at a time was a tenth of a
    // 10,000-manifest plan (docs/performance.md).
    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let value): Self.quote(value, into: &out)
        case .number(let value): Self.append(value, to: &out)
        case .bool(let value): Self.append(value ? "true" : "false", to: &out)
        case .null: Self.append("null", to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// A JSON string: `"` and `\` escaped, `\n` `\r` `\t` by name, other control characters as
    /// `\u00xx`; every other byte (UTF-8 of non-ASCII characters included) as it is.
    private static func quote(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var clean = 0  // Start of the run of bytes that need no escape.
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index]))
                clean = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                default:
                    let digits = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension CanonicalJSON {
    /// Writes what `CanonicalJSON(node).substituting(replacements, under: prefix, excluding:
    /// excluded).utf8` would be, straight from the node: no tree of values, no dictionary per
    /// mapping, no copy per substitution. Job hashes are computed this way (a tenth of loading
    /// 10,000 manifests went into building and rewriting the trees); the result is the same
    /// byte for byte (`CanonicalWritingTests`).
    static func write(
        _ node: YAMLNode, under prefix: String, replacing replacements: [String: CanonicalJSON], excluding excluded: Set<String>,
        into out: inout [UInt8]
    ) {
        if let whole = replacements[prefix] {
            whole.write(to: &out)
            return
        }
        write(node, path: replacements.isEmpty ? nil : prefix, replacements, excluding: excluded, into: &out)
    }

    /// `path` is the node's field path while a substitution can still reach it (nil below a
    /// list or a key with a dot: `substituting` follows dotted paths through mappings only).
    private static func write(
        _ node: YAMLNode, path: String?, _ replacements: [String: CanonicalJSON], excluding excluded: Set<String>,
        into out: inout [UInt8]
    ) {
        switch node.value {
        case .mapping(let entries):
            // One member per key, the last one written (as a dictionary keeps it), by key bytes.
            let order = entries.indices.filter { excluded.isEmpty || !excluded.contains(entries[$0].key) }.sorted { a, b in
                let x = entries[a].key, y = entries[b].key
                return x == y ? a < b : x.utf8.lexicographicallyPrecedes(y.utf8)
            }
            var members: [YAMLEntry] = []
            members.reserveCapacity(order.count)
            for index in order {
                if let last = members.last, last.key == entries[index].key { members[members.count - 1] = entries[index] } else { members.append(entries[index]) }
            }
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                quote(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                var memberPath: String?
                if let path, !member.key.isEmpty, !member.key.utf8.contains(UInt8(ascii: ".")) {
                    memberPath = path.isEmpty ? member.key : path + "." + member.key
                }
                if let memberPath, let replacement = replacements[memberPath] {
                    replacement.write(to: &out)
                } else {
                    write(member.value, path: memberPath, replacements, excluding: [], into: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        case .sequence(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, path: nil, replacements, excluding: [], into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .scalar:
            CanonicalJSON(node).write(to: &out)
        }
    }
}
