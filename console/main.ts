/** Entry of the console bundle (its own Vite build: nothing here reaches the widget's files). */
import './app.js';
