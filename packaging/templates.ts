/**
 * Fills `@NAME@` placeholders (the maintainer scripts in packaging/debian/). A placeholder without a
 * value fails the build, so a renamed one can never ship as a literal `@UNIT@` in a script.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>, what: string): string {
  return template.replace(/@([A-Z][A-Z_]*)@/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${what}: no value for @${name}@`);
    return value;
  });
}
