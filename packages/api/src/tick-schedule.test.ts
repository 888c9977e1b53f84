import { describe, expect, it } from "vitest";
import { TickSchedule } from "./tick-schedule.js";

describe("the feed's tick schedule", () => {
  it("makes every tick due by the clock, however late the timer runs", () => {
    let now = 0;
    const schedule = new TickSchedule(25, () => now);
    now = 24;
    expect(schedule.due()).toBe(0);
    now = 25;
    expect(schedule.due()).toBe(1);
    // A timer held up for 110 ms by a busy process: the four ticks of that time, at once.
    now = 135;
    expect(schedule.due()).toBe(4);
    let total = 5;
    for (now = 135; now <= 10_000; now += 37) total += schedule.due();
    // 10 s at 40 ticks a second, whatever the timer's own pace.
    expect(total).toBe(Math.floor(10_000 / 25) - 1);
  });

  it("lets go of what a stall longer than a second missed", () => {
    let now = 0;
    const schedule = new TickSchedule(25, () => now);
    now = 60_000;
    expect(schedule.due()).toBe(41);
    expect(schedule.due()).toBe(0);
  });
});
