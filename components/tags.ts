/** Tags every taggable AWS resource gets: the user's, plus the stack and a Name. */
export function resourceTags(
  base: Readonly<Record<string, string>>,
  name: string,
): Record<string, string> {
  return { ...base, Name: name };
}

/** Base tags for a stack: the user's tags plus the project/stack marker. */
export function stackTags(
  userTags: Readonly<Record<string, string>>,
  project: string,
  stack: string,
): Record<string, string> {
  return { ...userTags, "rancher-ha:project": project, "rancher-ha:stack": stack };
}
