// Group commit (src/bot/group-commit.ts): writes that arrive while one is in flight go
// together in the next write; each caller gets its own result, and a failed write fails
// only its own group.
import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/bot/group-commit.js";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("group commit", () => {
  it("writes the first item at once and the ones that came meanwhile together, each with its own result", async () => {
    const groups: number[][] = [];
    const first = gate();
    const commit = new GroupCommit<number, string>(async (items) => {
      groups.push(items);
      if (groups.length === 1) await first.opened;
      return items.map((i) => `done ${i}`);
    });
    const a = commit.submit(1);
    const rest = [2, 3, 4].map((i) => commit.submit(i));
    expect(groups).toEqual([[1]]);
    first.open();
    expect(await Promise.all([a, ...rest])).toEqual(["done 1", "done 2", "done 3", "done 4"]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
    // Alone again: at once, in a group of one.
    expect(await commit.submit(5)).toBe("done 5");
    expect(groups.at(-1)).toEqual([5]);
  });

  it("fails the items of a failed write only, and goes on with the next group", async () => {
    const first = gate();
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (calls === 1) await first.opened;
      if (calls === 2) throw new Error("database unavailable");
      return items.map((i) => i * 10);
    });
    const a = commit.submit(1);
    const failing = [commit.submit(2), commit.submit(3)];
    first.open();
    expect(await a).toBe(10);
    for (const f of failing) await expect(f).rejects.toThrow("database unavailable");
    expect(await commit.submit(4)).toBe(40);
  });

  it("never puts more than the largest group in one write", async () => {
    const sizes: number[] = [];
    const first = gate();
    const commit = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      if (sizes.length === 1) await first.opened;
      return items;
    }, 3);
    const all = Array.from({ length: 8 }, (_, i) => commit.submit(i));
    first.open();
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
