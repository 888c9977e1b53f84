import pure from "@trading/eslint-config/pure";

export default pure;
