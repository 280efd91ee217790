// Writes N articles as JSON Lines for `yiwang import articles` (the portal
// benchmarks load 10,000 with bench/run_wrk.sh ARTICLES=N): Chinese titles and
// bodies made of government words with a seeded generator, so every run loads
// the same site. Columns and issuers are the demo city's.
//   node bench/generate_articles.mjs 10000 > articles.jsonl
const count = Number(process.argv[2] || 10000);
let seed = 20261128;
function random() {
  // xorshift32: repeatable, good enough to spread words.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const words = [
  '优化营商环境', '一网通办', '政务服务', '数字政府', '放管服', '改革', '企业开办', '社会保障', '就业创业',
  '乡村振兴', '生态环境', '安全生产', '民生实事', '城市更新', '教育', '医疗卫生', '养老服务', '住房保障',
  '交通运输', '科技创新', '产业发展', '招商引资', '财政预算', '审计监督', '依法行政', '信息公开', '政策解读',
  '工作部署', '专项行动', '督查检查', '联席会议', '实施方案', '指导意见', '管理办法', '通知', '公告',
];
const verbs = ['推进', '落实', '部署', '加强', '完善', '深化', '开展', '组织', '研究', '召开'];
const columns = ['headlines', 'notices', 'department-news', 'policies', 'data-releases', 'disclosure-catalogue'];
const issuers = [
  '示范市人民政府办公室', '示范市发展和改革委员会', '示范市市场监督管理局', '示范市人力资源和社会保障局',
  '示范市公安局', '示范市商务局', '示范市政务服务数据管理局', '示范市东城区人民政府',
];
function sentence() {
  return `${pick(verbs)}${pick(words)}，${pick(verbs)}${pick(words)}和${pick(words)}工作。`;
}
for (let i = 1; i <= count; i++) {
  const column = pick(columns);
  const day = new Date(Date.UTC(2019, 0, 1) + Math.floor(random() * 2880) * 86400000);
  const paragraphs = [];
  const n = 2 + Math.floor(random() * 6);
  for (let p = 0; p < n; p++) paragraphs.push(`<p>${sentence()}${sentence()}${sentence()}</p>`);
  const article = {
    id: `bench-${i}`,
    column,
    title: `关于${pick(verbs)}${pick(words)}${pick(words)}的${pick(['通知', '意见', '报告', '公告'])}（${i}）`,
    body: paragraphs.join(''),
    published_at: day.toISOString().slice(0, 10),
    issuer: pick(issuers),
  };
  if (column === 'policies') article.doc_number = `示政办发〔${day.getUTCFullYear()}〕${i}号`;
  if (column === 'disclosure-catalogue') {
    article.disclosure = 'active';
    article.category = pick(['01', '02', '03', '04', '08']);
  }
  process.stdout.write(`${JSON.stringify(article)}\n`);
}
