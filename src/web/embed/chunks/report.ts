// The report chunk, loaded on first use (src/web/embed/lazy.tsx).
export { Folded, ReportForm, ignore } from '../components/ReportForm.js';
import '../read.js';
