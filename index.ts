// Entry point for `pulumi up`: everything lives in components/; this file only runs it.
import { runFromRuntime } from "./components/program";

export = runFromRuntime();
