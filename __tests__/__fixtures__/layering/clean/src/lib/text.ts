import { wrap } from './wrap.js'
