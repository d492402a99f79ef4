// The guest comment chunk (form and proof of work), loaded on first use (src/web/embed/lazy.tsx).
export { GuestForm } from '../components/GuestForm.js';
import '../read.js';
