// NSE's trading holidays for the capital market segment, weekdays only (weekends are closed anyway).
//
// 2026: NSE circular CMTR71775, "Trading Holidays for the Calendar Year 2026", 12 December 2025.
// (Holidays that fall on a weekend: Mahashivratri 15 Feb, Id-Ul-Fitr 21 Mar, Independence Day
// 15 Aug, Diwali Laxmi Pujan 8 Nov, a Sunday with a Muhurat trading session this market does not
// model.)
// 2027: NSE publishes the year's list in December; it was not out when this file was written, so
// 2027 has weekends only until it is added here.
export const NSE_HOLIDAYS: Readonly<Record<string, string>> = {
  "2026-01-26": "Republic Day",
  "2026-03-03": "Holi",
  "2026-03-26": "Shri Ram Navami",
  "2026-03-31": "Shri Mahavir Jayanti",
  "2026-04-03": "Good Friday",
  "2026-04-14": "Dr. Baba Saheb Ambedkar Jayanti",
  "2026-05-01": "Maharashtra Day",
  "2026-05-28": "Bakri Id",
  "2026-06-26": "Muharram",
  "2026-09-14": "Ganesh Chaturthi",
  "2026-10-02": "Mahatma Gandhi Jayanti",
  "2026-10-20": "Dussehra",
  "2026-11-10": "Diwali-Balipratipada",
  "2026-11-24": "Prakash Gurpurb Sri Guru Nanak Dev",
  "2026-12-25": "Christmas",
};

/** The years whose holidays are listed above (a date in another year is treated as weekends only). */
export const NSE_HOLIDAY_YEARS: readonly number[] = [2026];
