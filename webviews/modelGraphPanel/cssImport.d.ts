// esbuild turns an imported .css into <entry>.css next to the bundle (linked by webviewHtml).
declare module "*.css";
