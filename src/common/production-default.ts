// Imported first by src/index.ts. graphql-js picks its checks when it loads: without NODE_ENV=production it
// runs development-only instanceof checks on every type lookup (~6% of a page of findings in a profile).
// The service's own default is production (config), so the libraries get the same default.
process.env.NODE_ENV ??= "production";
