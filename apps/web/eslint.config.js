import base from "@trading/eslint-config/base";

export default base;
