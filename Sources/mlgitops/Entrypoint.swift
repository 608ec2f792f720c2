import MLGitOpsCommands

@main
struct Entrypoint {
    static func main() async {
        await MLGitOps.main()
    }
}
