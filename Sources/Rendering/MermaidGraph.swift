public import Manifests
public import Planning

/// A plan's actions as a Mermaid flowchart: one node per action, an arrow from each action to
/// the actions that wait on it (``PlanAction/dependsOn``), colored by verb.
///
/// GitHub renders Mermaid up to a size (about 50,000 characters and 500 edges), and a graph
/// of hundreds of boxes helps nobody: at most ``maxNodes`` are drawn, the highlighted ones
/// (what the pull request changes) first, and the rest are counted.
public struct MermaidGraph: Sendable {
    public var maxNodes: Int

    public init(maxNodes: Int = 80) { self.maxNodes = maxNodes }

    /// The graph and what it left out.
    public struct Rendering: Sendable {
        /// The flowchart source, without the code fence.
        public var source: String
        public var drawn: Int
        /// Actions that would have been drawn but exceed ``MermaidGraph/maxNodes``.
        public var omitted: Int
    }

    /// The graph of `plan`'s actions that change something, and the actions they wait on;
    /// `highlight` are drawn first and with a thick border.
    public func render(_ plan: Plan, highlight: Set<ResourceID> = []) -> Rendering {
        let byID = Dictionary(plan.actions.map { ($0.resource, $0) }, uniquingKeysWith: { a, _ in a })
        let changing = plan.actions.filter { $0.verb != .noop }
        var ordered = changing.filter { highlight.contains($0.resource) } + changing.filter { !highlight.contains($0.resource) }
        // What they wait on is drawn too, even when it does not change: that is the reason for the arrow.
        var seen = Set(ordered.map(\.resource))
        for action in ordered {
            for dependency in action.dependsOn where !seen.contains(dependency) {
                seen.insert(dependency)
                ordered.append(byID[dependency] ?? PlanAction(resource: dependency, verb: .noop))
            }
        }
        let drawn = Array(ordered.prefix(maxNodes))
        let ids = Dictionary(drawn.enumerated().map { ($0.element.resource, "n\($0.offset)") }, uniquingKeysWith: { a, _ in a })

        var lines = ["flowchart LR"]
        for action in drawn {
            let id = ids[action.resource]!
            lines.append("  \(id)[\"\(Self.label(action))\"]:::\(Self.className(action.verb))")
        }
        var edges = 0
        for action in drawn {
            for dependency in action.dependsOn {
                guard let from = ids[dependency], let to = ids[action.resource] else { continue }
                lines.append("  \(from) --> \(to)")
                edges += 1
            }
        }
        let highlighted = drawn.filter { highlight.contains($0.resource) }.compactMap { ids[$0.resource] }
        if !highlighted.isEmpty {
            // One `class` line per chunk keeps lines short.
            for start in stride(from: 0, to: highlighted.count, by: 20) {
                lines.append("  class \(highlighted[start..<min(start + 20, highlighted.count)].joined(separator: ",")) pr")
            }
        }
        let omitted = ordered.count - drawn.count
        if omitted > 0 { lines.append("  %% \(omitted) more action(s) not drawn") }
        lines.append(contentsOf: Self.classDefinitions)
        return Rendering(source: lines.joined(separator: "\n"), drawn: drawn.count, omitted: omitted)
    }

    /// `compute/cpu-cluster<br/>create`, safe inside a quoted Mermaid label.
    static func label(_ action: PlanAction) -> String {
        var verb = action.verb.rawValue
        if action.verb == .blocked {
            verb = "blocked: \(action.blockedBy?.rule ?? "?")" + (action.intended.map { " (\($0.rawValue))" } ?? "")
        } else if action.verb == .noop {
            verb = "unchanged"
        }
        return escape(action.resource.description) + "<br/>" + escape(verb)
    }

    /// Mermaid entity codes for what would end the label or open markup.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "#": out += "#35;"
            case "`": out += "'"
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    static func className(_ verb: PlanVerb) -> String {
        switch verb {
        case .create, .build, .submit: "add"
        case .update, .reuse: "change"
        case .replace, .delete: "remove"
        case .blocked: "blocked"
        case .noop: "same"
        }
    }

    static let classDefinitions = [
        "  classDef add fill:#e6ffed,stroke:#22863a,color:#111",
        "  classDef change fill:#fff5b1,stroke:#b08800,color:#111",
        "  classDef remove fill:#ffeef0,stroke:#cb2431,color:#111",
        "  classDef blocked fill:#ffdce0,stroke:#cb2431,stroke-dasharray:4 2,color:#111",
        "  classDef same fill:#f6f8fa,stroke:#959da5,color:#555",
        "  classDef pr stroke-width:3px",
    ]
}
