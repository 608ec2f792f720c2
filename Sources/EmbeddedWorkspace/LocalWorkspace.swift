// INTERFACE STUB: replaced by the local workspace work.
public import Workspaces
