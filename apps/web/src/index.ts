// The trader's web app (issue 5 builds the React app here).
export { formatChangePercent, formatInr } from "./format.js";
