// The bell chunk, loaded on first use (src/web/embed/lazy.tsx).
export { Bell } from '../components/Bell.js';
import '../read.js';
