// esbuild bundles an imported .css into <bundle>.css beside the script; the import itself has no value.
declare module "*.css";
