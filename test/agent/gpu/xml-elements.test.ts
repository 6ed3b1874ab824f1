import { describe, expect, it } from "vitest";
import { attribute, elements, textAt, withoutElements } from "../../../agent/collectors/gpu/xml-elements.ts";

// Hand-made snippets: the shapes the nvidia-smi fixtures do not contain (nesting of one tag, empty elements).
describe("xml-elements", () => {
  it("finds sibling elements, not elements of similar names", () => {
    const xml = "<gpu_name>x</gpu_name><gpu id=\"a\"><uuid>1</uuid></gpu><gpus/><gpu id='b'><uuid>2</uuid></gpu>";
    expect(elements(xml, "gpu").map((e) => [attribute(e.attributes, "id"), textAt(e.inner, "uuid")])).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  it("keeps an element whole when one of the same tag is nested in it", () => {
    const xml = "<item><item>inner</item><v>outer</v></item><item>next</item>";
    const found = elements(xml, "item");
    expect(found.map((e) => e.inner)).toEqual(["<item>inner</item><v>outer</v>", "next"]);
    expect(found.map((e) => xml.slice(e.start, e.end))).toEqual(["<item><item>inner</item><v>outer</v></item>", "<item>next</item>"]);
  });

  it("reads an empty element as empty text, and a missing one as undefined", () => {
    expect(textAt("<a><b/></a>", "a", "b")).toBe("");
    expect(textAt("<a><b></b></a>", "a", "b")).toBe("");
    expect(textAt("<a></a>", "a", "b")).toBeUndefined();
    expect(textAt("<a>unclosed", "a")).toBeUndefined();
  });

  it("removes whole elements, so a lookup cannot reach into them", () => {
    const xml = "<gpu><mig_devices><mig_device><uuid>MIG-1</uuid></mig_device></mig_devices><uuid>GPU-1</uuid></gpu>";
    expect(textAt(xml, "gpu", "uuid")).toBe("MIG-1");
    expect(textAt(withoutElements(xml, ["mig_devices"]), "gpu", "uuid")).toBe("GPU-1");
  });

  it("decodes entities in text and attributes", () => {
    expect(textAt("<n> a &amp; b &lt;c&gt; &#65;&#x42; </n>", "n")).toBe("a & b <c> AB");
    expect(attribute(' id="x&quot;y"', "id")).toBe('x"y');
  });
});
