internal import CYaml

/// Parses one YAML file into located nodes, straight from libyaml's events.
///
/// Parsing is the largest part of loading a repository. Composing Yams' `Node` tree first (a
/// tag object and a Foundation string conversion per scalar) and converting it afterwards
/// cost about twice what building ``YAMLNode`` from the events does. The result is the one
/// Yams' composer with its basic resolver gave, node for node: same marks, same tags, aliases
/// as copies of their anchor, PyYAML merge keys, the same messages for syntax errors
/// (`YAMLDocumentTests` compares the two on every corpus file and on edge cases).
enum YAMLDocument {
    /// What parsing a file gave.
    enum Outcome: Sendable {
        /// The document's root (nil for an empty file).
        case parsed(YAMLNode?)
        /// The syntax error, where the parser found it.
        case syntaxError(message: String, line: Int, column: Int)
    }

    /// Parses `bytes` (UTF-8; invalid sequences read as U+FFFD). Tags are resolved here, as
    /// YAML 1.1 does for untagged plain scalars.
    static func parse(_ bytes: [UInt8]) -> Outcome {
        let text = String(decoding: bytes, as: UTF8.self)
        var input = text
        let result: Result<YAMLNode?, SyntaxError> = input.withUTF8 { buffer in
            var composer = EventComposer(input: buffer)
            defer { composer.close() }
            return Result { () throws(SyntaxError) in try composer.singleRoot() }
        }
        switch result {
        case .success(let root): return .parsed(root)
        case .failure(let error): return error.outcome(in: text)
        }
    }
}

/// A syntax error, as libyaml or the composer reported it.
private enum SyntaxError: Error {
    /// Found at a line and column, within a context (`while parsing a block mapping`) or not.
    case located(problem: String, line: Int, column: Int, context: (text: String, line: Int)?)
    /// Input libyaml cannot read as text: the byte offset it stopped at, the offending value.
    case reader(problem: String, offset: Int, value: Int32)

    /// A located error without context.
    static func located(_ problem: String, line: Int, column: Int) -> SyntaxError {
        .located(problem: problem, line: line, column: column, context: nil)
    }

    /// The message and place, worded as they have always been (from Yams' `YamlError`).
    func outcome(in text: String) -> YAMLDocument.Outcome {
        switch self {
        case .located(let problem, let line, let column, let context):
            let message = context.map { "\($0.text) (line \($0.line)): \(problem)" } ?? problem
            return .syntaxError(message: message, line: line, column: column)
        case .reader(let problem, let offset, let value):
            // The offset counted in characters up to the byte libyaml stopped at (0 when that
            // byte is inside a character).
            let index = text.utf8.index(text.utf8.startIndex, offsetBy: offset, limitedBy: text.utf8.endIndex)?.samePosition(in: text)
            let characters = index.map { text.distance(from: text.startIndex, to: $0) } ?? 0
            return .syntaxError(message: "\(problem) (byte \(characters), value \(value))", line: 1, column: 1)
        }
    }
}

/// Builds ``YAMLNode``s from a libyaml event stream.
private struct EventComposer: ~Copyable {
    private var parser: UnsafeMutablePointer<yaml_parser_t>
    private var event = yaml_event_t()
    /// Anchored nodes, by name (set when the anchored node is complete, as Yams did).
    private var anchors: [String: YAMLNode] = [:]
    /// Anchors whose node is the plain scalar `<<`: an alias of one is a merge key too.
    private var mergeKeyAnchors: Set<String> = []

    init(input: UnsafeBufferPointer<UInt8>) {
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
    }

    /// Frees libyaml's state (explicit: the composer stops at the first error it throws).
    mutating func close() {
        yaml_event_delete(&event)
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The single document's root; nil when the stream has none.
    mutating func singleRoot() throws(SyntaxError) -> YAMLNode? {
        try next()  // STREAM-START
        try next()
        if event.type == YAML_STREAM_END_EVENT { return nil }
        try next()  // the root's first event, after DOCUMENT-START
        let root = try node()
        try next()  // DOCUMENT-END
        try next()
        if event.type != YAML_STREAM_END_EVENT {
            throw .located(
                problem: "but found another document", line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1,
                context: ("expected a single document in the stream", 1))
        }
        return root
    }

    /// Moves to the next event.
    private mutating func next() throws(SyntaxError) {
        yaml_event_delete(&event)
        guard yaml_parser_parse(parser, &event) == 1 else { throw parserError() }
    }

    /// The node that starts with the current event; the current event is then its last.
    private mutating func node() throws(SyntaxError) -> YAMLNode {
        let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_ALIAS_EVENT:
            guard let node = anchors[Self.text(event.data.alias.anchor) ?? ""] else {
                throw .located("found undefined alias", line: line, column: column)
            }
            return node
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            let kind = Self.kind(quotedImplicit: scalar.quoted_implicit == 1, tag: scalar.tag, isPlain: isPlain, text: text)
            let node = YAMLNode(value: .scalar(YAMLScalar(text: text, kind: kind)), line: line, column: column)
            if let anchor = Self.text(scalar.anchor) {
                anchors[anchor] = node
                if isPlain && text == "<<" { mergeKeyAnchors.insert(anchor) } else { mergeKeyAnchors.remove(anchor) }
            }
            return node
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.text(event.data.sequence_start.anchor)
            var items: [YAMLNode] = []
            try next()
            while event.type != YAML_SEQUENCE_END_EVENT {
                items.append(try node())
                try next()
            }
            return anchored(YAMLNode(value: .sequence(items), line: line, column: column), anchor)
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.text(event.data.mapping_start.anchor)
            var entries: [YAMLEntry] = []
            var merged: [YAMLEntry] = []
            try next()
            while event.type != YAML_MAPPING_END_EVENT {
                let isMergeKey = isMergeKeyEvent()
                let key = try node()
                try next()
                let value = try node()
                try next()
                if isMergeKey {
                    // PyYAML merge keys: entries of the merged mapping(s) fill in missing keys.
                    for source in value.items ?? [value] { merged.append(contentsOf: source.entries ?? []) }
                    continue
                }
                entries.append(YAMLEntry(key: key.scalar?.text ?? "", keyLine: key.line, keyColumn: key.column, value: value))
            }
            for entry in merged where !entries.contains(where: { $0.key == entry.key }) { entries.append(entry) }
            return anchored(YAMLNode(value: .mapping(entries), line: line, column: column), anchor)
        default:
            // libyaml starts a node only with one of the four events above.
            throw .located("unexpected event \(event.type.rawValue)", line: line, column: column)
        }
    }

    private mutating func anchored(_ node: YAMLNode, _ anchor: String?) -> YAMLNode {
        if let anchor {
            anchors[anchor] = node
            mergeKeyAnchors.remove(anchor)
        }
        return node
    }

    /// Whether the current event, a mapping's key, is the plain scalar `<<` or an alias of one.
    private func isMergeKeyEvent() -> Bool {
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            return scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.length == 2
                && scalar.value[0] == UInt8(ascii: "<") && scalar.value[1] == UInt8(ascii: "<")
        case YAML_ALIAS_EVENT:
            return Self.text(event.data.alias.anchor).map(mergeKeyAnchors.contains) ?? false
        default:
            return false
        }
    }

    /// The YAML 1.1 type: untagged plain scalars by their text, quoted and block ones are
    /// strings, explicit core tags as tagged, any other tag a string.
    private static func kind(quotedImplicit: Bool, tag: UnsafeMutablePointer<UInt8>?, isPlain: Bool, text: String) -> YAMLScalar.Kind {
        if quotedImplicit { return .string }
        guard let tag else { return isPlain ? YAMLScalarResolver.kind(ofPlain: text) : .string }
        switch String(cString: UnsafePointer(tag)) {
        case "tag:yaml.org,2002:int": return .int
        case "tag:yaml.org,2002:float": return .float
        case "tag:yaml.org,2002:bool": return .bool
        case "tag:yaml.org,2002:null": return .null
        default: return .string
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(decoding: UnsafeBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) }
    }

    private func parserError() -> SyntaxError {
        let parser = parser.pointee
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        if parser.error == YAML_READER_ERROR {
            return .reader(problem: problem, offset: parser.problem_offset, value: parser.problem_value)
        }
        return .located(
            problem: problem, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
            context: parser.context.map { (String(cString: $0), Int(parser.context_mark.line) + 1) })
    }
}
