// The floors of the benchmark table: what reading and parsing alone cost, measured in-process
// so they compare with `mlgitops validate` / `plan` on the same repository.
//
//   mlgitops-bench read-tree REPO [REV] [PATH]   every blob of the tree through our libgit2 layer
//   mlgitops-bench parse-yaml REPO [REV] [PATH]  read + parse every YAML file once (Yams), no validation
import Foundation
import GitSource
import Yams

@main
struct Bench {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: mlgitops-bench read-tree|parse-yaml REPO [REV] [PATH]\n".utf8))
            exit(2)
        }
        let repoPath = arguments[1], revision = arguments.count > 2 ? arguments[2] : "HEAD"
        let prefix = arguments.count > 3 ? arguments[3] + "/" : ""
        do {
            let repository = try GitRepository.open(at: repoPath)
            let started = ContinuousClock.now
            switch arguments[0] {
            case "read-tree":
                let snapshot = try await repository.snapshot(of: revision, readsContent: { _ in true })
                let bytes = snapshot.files.values.reduce(0) { $0 + ($1.content?.count ?? 0) }
                report(started, "read \(snapshot.files.count) blobs, \(bytes) bytes")
            case "parse-yaml":
                let snapshot = try await repository.snapshot(of: revision)
                var documents = 0
                for path in snapshot.sortedPaths where path.hasPrefix(prefix) && Snapshot.isYAMLPath(path) {
                    guard let bytes = snapshot.content(of: path) else { continue }
                    if (try? Yams.compose(yaml: String(decoding: bytes, as: UTF8.self))) != nil { documents += 1 }
                }
                report(started, "parsed \(documents) YAML documents")
            default:
                FileHandle.standardError.write(Data("unknown benchmark \(arguments[0])\n".utf8))
                exit(2)
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
    }

    static func report(_ started: ContinuousClock.Instant, _ what: String) {
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print(String(format: "%@ in %.1f ms", what, ms))
    }
}
