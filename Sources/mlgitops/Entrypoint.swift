import MLGitOpsCommands

@main
struct Entrypoint {
    static func main() async {
        AllocatorSettings.apply()
        await MLGitOps.main()
    }
}
